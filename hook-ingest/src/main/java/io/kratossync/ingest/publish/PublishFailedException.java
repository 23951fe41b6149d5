package io.kratossync.ingest.publish;

/**
 * Kafka did not acknowledge an event in time. The caller answers 503 so that Kratos
 * retries.
 */
public class PublishFailedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	PublishFailedException(String message, Throwable cause) {
		super(message, cause);
	}

}
