package io.kratossync.events;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;

/**
 * Reads a CloudEvents binary-mode Kafka record back into an {@link EventEnvelope}. Every
 * required header must be present and well formed, the type known, and the data valid for
 * the type; otherwise it throws {@link EventDecodingException}, which consumers treat as
 * not retryable.
 */
public class EventEnvelopeDeserializer implements Deserializer<EventEnvelope> {

	/**
	 * A reader per type, its deserializer found once: cheaper than a lookup per record.
	 */
	private static final Map<EventType, ObjectReader> READERS = readers();

	private static Map<EventType, ObjectReader> readers() {
		Map<EventType, ObjectReader> readers = new EnumMap<>(EventType.class);
		for (EventType type : EventType.values()) {
			readers.put(type, EventJson.mapper().readerFor(type.recordType()));
		}
		return readers;
	}

	@Override
	public EventEnvelope deserialize(String topic, byte[] data) {
		throw new EventDecodingException("an event needs its ce_* record headers; none were given");
	}

	@Override
	public EventEnvelope deserialize(String topic, Headers headers, byte[] data) {
		if (data == null) {
			throw new EventDecodingException("record has no value");
		}
		String specVersion = required(headers, CloudEventHeaders.SPEC_VERSION);
		if (!CloudEventHeaders.SPEC_VERSION_1_0.equals(specVersion)) {
			throw new EventDecodingException("unsupported ce_specversion " + Uuids.abbreviate(specVersion));
		}
		String ceType = required(headers, CloudEventHeaders.TYPE);
		EventType type = EventType.fromCeType(ceType)
			.orElseThrow(() -> new EventDecodingException("unknown ce_type " + Uuids.abbreviate(ceType)));
		UUID id;
		Instant time;
		try {
			id = Uuids.parseStrict(required(headers, CloudEventHeaders.ID));
			time = Timestamps.parse(required(headers, CloudEventHeaders.TIME));
		}
		catch (IllegalArgumentException | DateTimeParseException ex) {
			throw new EventDecodingException("malformed ce_id or ce_time: " + ex.getMessage(), ex);
		}
		String source = required(headers, CloudEventHeaders.SOURCE);
		String subject = required(headers, CloudEventHeaders.SUBJECT);
		IdentityEvent event;
		try {
			event = READERS.get(type).readValue(data);
		}
		catch (JacksonException ex) {
			throw new EventDecodingException("data is not a valid " + ceType + ": " + ex.getOriginalMessage(), ex);
		}
		if (event == null) {
			throw new EventDecodingException("data is JSON null");
		}
		if (!event.identityId().toString().equals(subject)) {
			throw new EventDecodingException(
					"ce_subject " + Uuids.abbreviate(subject) + " is not the identity_id of the data");
		}
		try {
			return new EventEnvelope(id, source, time, event);
		}
		catch (IllegalArgumentException ex) {
			throw new EventDecodingException(ex.getMessage(), ex);
		}
	}

	private static String required(Headers headers, String name) {
		String value = CloudEventHeaders.text(headers, name);
		if (value == null) {
			throw new EventDecodingException("record has no " + name + " header");
		}
		return value;
	}

}
