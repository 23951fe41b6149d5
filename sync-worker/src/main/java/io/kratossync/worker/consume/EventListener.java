package io.kratossync.worker.consume;

import java.util.List;

import io.kratossync.events.EventEnvelope;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes the identity events a poll at a time. Each poll is applied in one database transaction (a savepoint
 * per event); the listener container commits the offsets only after this method returned, that is after the
 * transaction committed. A crash in between redelivers the records, and the inbox makes the second delivery
 * change nothing.
 */
@Component
class EventListener {

	private final BatchApplier applier;

	EventListener(BatchApplier applier) {
		this.applier = applier;
	}

	@KafkaListener(id = "identity-events", topics = "#{T(io.kratossync.events.Topics).IDENTITY_EVENTS.name()}",
			batch = "true")
	void onEvents(List<ConsumerRecord<String, EventEnvelope>> records) {
		this.applier.apply(records);
	}

}
