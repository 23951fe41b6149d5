package io.kratossync.events;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record that cannot become an {@link EventEnvelope}: a missing or malformed header, an
 * unknown type, or data that is not valid JSON of the type. Retrying never helps; such a
 * record belongs in the dead-letter topic.
 */
public class EventDecodingException extends SerializationException {

	private static final long serialVersionUID = 1L;

	public EventDecodingException(String message) {
		super(message);
	}

	public EventDecodingException(String message, Throwable cause) {
		super(message, cause);
	}

}
