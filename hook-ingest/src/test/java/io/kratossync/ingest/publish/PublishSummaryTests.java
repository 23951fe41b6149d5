package io.kratossync.ingest.publish;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PublishSummaryTests {

	private final AtomicLong now = new AtomicLong();

	private final PublishSummary summary = new PublishSummary(Duration.ofSeconds(60), this.now::get);

	@Test
	void saysNothingWhileTheIntervalIsOpen() {
		this.now.set(Duration.ofSeconds(59).toNanos());
		assertThat(this.summary.record(true)).isNull();
		assertThat(this.summary.record(false)).isNull();
	}

	@Test
	void summarizesTheIntervalOnceAndStartsTheNext() {
		for (int i = 0; i < 119; i++) {
			assertThat(this.summary.record(true)).isNull();
		}
		this.summary.record(false);
		this.now.set(Duration.ofSeconds(60).toNanos());

		assertThat(this.summary.record(true))
			.isEqualTo("Published 120 events in the last 60 s (2/s), 1 not acknowledged; one line per event at DEBUG");
		assertThat(this.summary.record(true)).isNull();
		this.now.set(Duration.ofSeconds(130).toNanos());
		assertThat(this.summary.record(true)).startsWith("Published 2 events in the last 70 s");
	}

}
