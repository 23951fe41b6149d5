package io.kratossync.ingest.publish;

import org.springframework.modulith.NamedInterface;

/**
 * Kafka did not acknowledge an event in time. The caller answers 503 so that Kratos
 * retries.
 */
@NamedInterface("api")
public class PublishFailedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	PublishFailedException(String message, Throwable cause) {
		super(message, cause);
	}

}
