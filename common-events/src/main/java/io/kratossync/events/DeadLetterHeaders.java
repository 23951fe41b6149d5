package io.kratossync.events;

/**
 * The headers kratos-sync adds to the records of {@link Topics#IDENTITY_EVENTS_DLT} and
 * to the records it redrives from there, beside Spring Kafka's {@code kafka_dlt-*}
 * headers (original topic, partition, offset, exception) and the record's own CloudEvents
 * headers.
 */
public final class DeadLetterHeaders {

	/** Why the record could not be applied, in one line (UTF-8 text). */
	public static final String REASON = "kratos_sync_dlt_reason";

	/** On a redriven record: how often it has been redriven (decimal UTF-8 text). */
	public static final String REDRIVE_COUNT = "kratos_sync_redrive_count";

	/**
	 * On a redriven record: the dead letter it came from, {@code topic-partition@offset}.
	 */
	public static final String REDRIVEN_FROM = "kratos_sync_redriven_from";

	private DeadLetterHeaders() {
	}

}
