package io.kratossync.worker.consume;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.core.IntervalFunction;
import io.kratossync.worker.system.WorkerProperties;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.listener.RetryListener;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The back-off of a failed record that follows the kind of its latest failure, not of its
 * first one: a record that failed once for an unknown reason and then keeps failing
 * because the database is read-only is retried without end, with the transient back-off
 * counted from its first transient failure. The error handler tells each failure to
 * {@link #listener()} before it asks the back-off for the next wait.
 */
final class ClassifiedBackOff {

	private final WorkerProperties.Consumer settings;

	private final IntervalFunction transientIntervals;

	/**
	 * The kind of the latest failure on each partition: a partition retries one record at
	 * a time (it waits for it), so this holds at most one entry per partition.
	 */
	private final Map<String, FailureKind> latest = new ConcurrentHashMap<>();

	ClassifiedBackOff(WorkerProperties.Consumer settings) {
		this.settings = settings;
		this.transientIntervals = IntervalFunction.ofExponentialBackoff(settings.initialBackoff(), 2.0,
				settings.maxBackoff());
	}

	/**
	 * @return the listener that records the kind of every failed delivery, and forgets a
	 * record once it is done
	 */
	RetryListener listener() {
		return new RetryListener() {

			@Override
			public void failedDelivery(ConsumerRecord<?, ?> record, Exception ex, int deliveryAttempt) {
				ClassifiedBackOff.this.latest.put(key(record), FailureKind.of(ex));
			}

			@Override
			public void recovered(ConsumerRecord<?, ?> record, Exception ex) {
				ClassifiedBackOff.this.latest.remove(key(record));
			}

			@Override
			public void recoveryFailed(ConsumerRecord<?, ?> record, Exception original, Exception failure) {
				// it stays being retried
			}

		};
	}

	/**
	 * The back-off of one failed record.
	 * @param record the record ({@code null} for the handler's default, never used for a
	 * real record)
	 * @return its back-off
	 */
	BackOff of(ConsumerRecord<?, ?> record) {
		String key = key(record);
		return () -> new BackOffExecution() {

			private FailureKind kind;

			private int attempts;

			@Override
			public long nextBackOff() {
				FailureKind now = ClassifiedBackOff.this.latest.getOrDefault(key, FailureKind.UNKNOWN);
				if (now != this.kind) {
					this.kind = now;
					this.attempts = 0;
				}
				this.attempts++;
				return switch (now) {
					case POISON -> forget(key);
					case TRANSIENT -> ClassifiedBackOff.this.transientIntervals.apply(this.attempts);
					case UNKNOWN -> (this.attempts <= ClassifiedBackOff.this.settings.unknownFailureRetries())
							? ClassifiedBackOff.this.settings.initialBackoff().toMillis() : forget(key);
				};
			}

		};
	}

	private long forget(String key) {
		this.latest.remove(key);
		return BackOffExecution.STOP;
	}

	/**
	 * @return how many records are being retried now
	 */
	int retrying() {
		return this.latest.size();
	}

	private static String key(ConsumerRecord<?, ?> record) {
		return (record != null) ? record.topic() + "-" + record.partition() : "";
	}

}
