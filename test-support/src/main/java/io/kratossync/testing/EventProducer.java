package io.kratossync.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes events to the topic as hook-ingest does (key = identity id, CloudEvents
 * headers, {@code acks=all}).
 */
public final class EventProducer {

	private EventProducer() {
	}

	/**
	 * Publishes the events in order and waits until the broker acknowledged all of them.
	 * @param bootstrapServers the broker
	 * @param events the events
	 */
	public static void publish(String bootstrapServers, List<EventEnvelope> events) {
		Map<String, Object> props = new HashMap<>();
		props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		props.put(ProducerConfig.ACKS_CONFIG, "all");
		try (KafkaProducer<String, EventEnvelope> producer = new KafkaProducer<>(props,
				Topics.IDENTITY_EVENTS.keySerde().serializer(), Topics.IDENTITY_EVENTS.valueSerde().serializer())) {
			for (EventEnvelope event : events) {
				producer.send(new ProducerRecord<>(Topics.IDENTITY_EVENTS.name(), event.subject().toString(), event));
			}
			producer.flush();
		}
	}

}
