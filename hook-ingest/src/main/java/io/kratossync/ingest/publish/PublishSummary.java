package io.kratossync.ingest.publish;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import io.kratossync.support.SummaryWindow;

/**
 * Counts what was published and, at most once per interval, says so in one line: a log
 * line per event costs about a sixth of the ingest's CPU at full load (README
 * "Performance"), so the line per event is at DEBUG and this summary keeps the INFO log
 * telling that events flow. Thread-safe; the line is handed to one caller.
 */
final class PublishSummary {

	private final SummaryWindow window;

	private final LongAdder acknowledged = new LongAdder();

	private final LongAdder failed = new LongAdder();

	PublishSummary(Duration interval, LongSupplier nanoTime) {
		this.window = new SummaryWindow(interval, nanoTime);
	}

	/**
	 * Counts one outcome.
	 * @param ok whether Kafka acknowledged the event
	 * @return the summary of the interval that this outcome closes, or {@code null} while
	 * it is still open
	 */
	String record(boolean ok) {
		(ok ? this.acknowledged : this.failed).increment();
		long elapsed = this.window.closeIfOver();
		if (elapsed < 0) {
			return null;
		}
		long acked = this.acknowledged.sumThenReset();
		long notAcked = this.failed.sumThenReset();
		return String.format(
				"Published %d events in the last %d s (%.0f/s), %d not acknowledged; one line per event " + "at DEBUG",
				acked, Math.round(elapsed / 1e9), acked / (elapsed / 1e9), notAcked);
	}

}
