package io.kratossync.worker.consume;

import java.time.Duration;

import io.kratossync.support.FailureDigest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs failed deliveries so that an outage (every poll failing while the database is
 * read-only, say) writes a few lines, not one per attempt: the first failure of each kind
 * in a minute at once, with its event and cause, and then one summary a minute with the
 * counts and the latest failure ({@link FailureDigest}). The counts are also in
 * {@code kratos_sync_consumer_failures_total}.
 */
final class FailureLog {

	private static final Logger log = LoggerFactory.getLogger(FailureLog.class);

	private final int unknownRetries;

	private final FailureDigest digest = new FailureDigest("failed deliveries", Duration.ofMinutes(1), System::nanoTime,
			log::warn);

	FailureLog(int unknownRetries) {
		this.unknownRetries = unknownRetries;
	}

	void failed(FailureKind kind, String eventId, ConsumerRecord<?, ?> record, String reason) {
		this.digest.failed(kind.name(), String.format("An event %s key %s at %s-%d@%d failed (%s: %s); %s", eventId,
				record.key(), record.topic(), record.partition(), record.offset(), kind, reason, consequence(kind)));
	}

	private String consequence(FailureKind kind) {
		return switch (kind) {
			case POISON -> "dead-lettering it";
			case TRANSIENT -> "retrying with back-off until it succeeds; the partition waits, nothing is skipped";
			case UNKNOWN -> "retrying " + this.unknownRetries + " times, then dead-lettering it";
		};
	}

}
