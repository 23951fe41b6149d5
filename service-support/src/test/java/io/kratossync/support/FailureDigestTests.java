package io.kratossync.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FailureDigestTests {

	private final AtomicLong now = new AtomicLong();

	private final List<String> lines = new ArrayList<>();

	private final FailureDigest digest = new FailureDigest("failures", Duration.ofMinutes(1), this.now::get,
			this.lines::add);

	@Test
	void anOutageOfAThousandFailuresWritesTheFirstOfEachKindAndOneSummaryAMinute() {
		for (int i = 0; i < 1000; i++) {
			this.digest.failed((i % 2 == 0) ? "timeout" : "refused", "event " + i + " failed");
		}
		assertThat(this.lines).containsExactly("event 0 failed; further failures are summarised once a minute",
				"event 1 failed; further failures are summarised once a minute");

		this.now.addAndGet(Duration.ofSeconds(61).toNanos());
		this.digest.failed("timeout", "event 1000 failed");

		assertThat(this.lines).hasSize(4);
		assertThat(this.lines.get(2))
			.isEqualTo("998 more failures in the last 61 s (499 timeout, 499 refused); latest: event 999 failed");
		assertThat(this.lines.get(3)).isEqualTo("event 1000 failed; further failures are summarised once a minute");
	}

	@Test
	void aSingleFailureInAQuietIntervalWritesNoSummary() {
		this.digest.failed("timeout", "event 1 failed");
		this.now.addAndGet(Duration.ofMinutes(5).toNanos());
		this.digest.failed("timeout", "event 2 failed");
		assertThat(this.lines).containsExactly("event 1 failed; further failures are summarised once a minute",
				"event 2 failed; further failures are summarised once a minute");
	}

}
