package io.kratossync.worker.consume;

import io.kratossync.events.EventEnvelope;
import io.kratossync.worker.inbox.IdempotentApplier;
import io.kratossync.worker.inbox.RecordPosition;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes the identity events. Each record is applied in its own database transaction; the listener container
 * commits the offset only after this method returned, that is after the transaction committed. A crash in
 * between redelivers the record, and the inbox makes the second delivery change nothing.
 */
@Component
class EventListener {

	private final IdempotentApplier applier;

	EventListener(IdempotentApplier applier) {
		this.applier = applier;
	}

	@KafkaListener(id = "identity-events", topics = "#{T(io.kratossync.events.Topics).IDENTITY_EVENTS.name()}")
	void onEvent(ConsumerRecord<String, EventEnvelope> record) {
		this.applier.apply(record.value(), new RecordPosition(record.topic(), record.partition(), record.offset()));
	}

}
