package io.kratossync.events;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes an {@link EventEnvelope} as a CloudEvents binary-mode Kafka record: the data as
 * JSON value, the context attributes as {@code ce_*} headers.
 */
public class EventEnvelopeSerializer implements Serializer<EventEnvelope> {

	@Override
	public byte[] serialize(String topic, EventEnvelope envelope) {
		throw new UnsupportedOperationException("an event needs record headers: use serialize(topic, headers, data)");
	}

	@Override
	public byte[] serialize(String topic, Headers headers, EventEnvelope envelope) {
		if (envelope == null) {
			return null;
		}
		set(headers, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_1_0);
		set(headers, CloudEventHeaders.ID, envelope.id().toString());
		set(headers, CloudEventHeaders.SOURCE, envelope.source());
		set(headers, CloudEventHeaders.TYPE, envelope.type().ceType());
		set(headers, CloudEventHeaders.TIME, DateTimeFormatter.ISO_INSTANT.format(envelope.time()));
		set(headers, CloudEventHeaders.SUBJECT, envelope.subject().toString());
		set(headers, CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.APPLICATION_JSON);
		return EventJson.mapper().writeValueAsBytes(envelope.data());
	}

	private static void set(Headers headers, String name, String value) {
		headers.remove(name);
		headers.add(name, value.getBytes(StandardCharsets.UTF_8));
	}

}
