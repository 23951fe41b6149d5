package io.kratossync.worker.consume;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.kratossync.support.SummaryWindow;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs failed deliveries so that an outage (every poll failing while the database is
 * read-only, say) writes a few lines, not one per attempt: the first failure of each kind
 * in a minute at once, with its event and cause, and then one summary a minute with the
 * counts and the latest failure. The counts are also in
 * {@code kratos_sync_consumer_failures_total}.
 */
final class FailureLog {

	private static final Logger log = LoggerFactory.getLogger(FailureLog.class);

	private final int unknownRetries;

	private final SummaryWindow window = new SummaryWindow(Duration.ofMinutes(1), System::nanoTime);

	private final Map<FailureKind, LongAdder> counts = new EnumMap<>(FailureKind.class);

	private final Map<FailureKind, Boolean> logged = new EnumMap<>(FailureKind.class);

	private final AtomicReference<String> latest = new AtomicReference<>();

	FailureLog(int unknownRetries) {
		this.unknownRetries = unknownRetries;
		for (FailureKind kind : FailureKind.values()) {
			this.counts.put(kind, new LongAdder());
		}
	}

	synchronized void failed(FailureKind kind, String eventId, ConsumerRecord<?, ?> record, String reason) {
		String what = String.format("event %s key %s at %s-%d@%d failed (%s: %s)", eventId, record.key(),
				record.topic(), record.partition(), record.offset(), kind, reason);
		long elapsed = this.window.closeIfOver();
		if (elapsed >= 0) {
			summarise(elapsed);
		}
		this.latest.set(what);
		if (!this.logged.getOrDefault(kind, false)) {
			this.logged.put(kind, true);
			log.warn("An {}; {}; further failures are summarised once a minute", what, consequence(kind));
		}
		else {
			this.counts.get(kind).increment();
		}
	}

	private void summarise(long elapsedNanos) {
		StringBuilder line = new StringBuilder();
		this.counts.forEach((kind, count) -> {
			long n = count.sumThenReset();
			if (n > 0) {
				line.append((line.length() > 0) ? ", " : "").append(n).append(' ').append(kind);
			}
		});
		if (line.length() > 0) {
			log.warn("{} more failed deliveries in the last {} s; latest: {}", line, Math.round(elapsedNanos / 1e9),
					this.latest.get());
		}
		this.logged.clear();
	}

	private String consequence(FailureKind kind) {
		return switch (kind) {
			case POISON -> "dead-lettering it";
			case TRANSIENT -> "retrying with back-off until it succeeds; the partition waits, nothing is skipped";
			case UNKNOWN -> "retrying " + this.unknownRetries + " times, then dead-lettering it";
		};
	}

}
