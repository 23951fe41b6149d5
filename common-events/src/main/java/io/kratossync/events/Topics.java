package io.kratossync.events;

import org.apache.kafka.common.serialization.Serdes;

/**
 * The topic catalogue of kratos-sync.
 */
public final class Topics {

	/**
	 * Every identity event; key = identity id, value = event data, CloudEvents context in
	 * headers. Kept long: it is the source for replay and rebuild.
	 */
	public static final Topic<String, EventEnvelope> IDENTITY_EVENTS = new Topic<>("kratos.identity-events.v1",
			Serdes.String(), Serdes.serdeFrom(new EventEnvelopeSerializer(), new EventEnvelopeDeserializer()));

	/**
	 * Records of {@link #IDENTITY_EVENTS} that could not be processed, byte for byte,
	 * with the reason in headers.
	 */
	public static final Topic<byte[], byte[]> IDENTITY_EVENTS_DLT = new Topic<>(IDENTITY_EVENTS.name() + ".dlt",
			Serdes.ByteArray(), Serdes.ByteArray());

	private Topics() {
	}

}
