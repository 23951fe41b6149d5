package io.kratossync.worker.consume;

import java.util.List;
import java.util.Map;

import io.kratossync.events.EventEnvelope;
import io.kratossync.support.Causes;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;

/**
 * Consumes the identity events a poll at a time. Each poll is applied in one database
 * transaction, which also stores the next offset of each partition; the listener
 * container commits Kafka's offsets after this method returned. A crash in between
 * redelivers the records, which the stored offsets (and the inbox) pass over.
 * <p>
 * When partitions are assigned, each is sought to the offset stored with the state, not
 * Kafka's committed one: a database restored from a backup resumes where its state ends,
 * and a partition this database never applied starts from the beginning of the topic.
 * (Each poll checks the same again, for a database that could not be read at the
 * assignment.)
 */
@Component
class EventListener implements ConsumerSeekAware {

	private static final Logger log = LoggerFactory.getLogger(EventListener.class);

	private final BatchApplier applier;

	private final OffsetStore offsets;

	EventListener(BatchApplier applier, OffsetStore offsets) {
		this.applier = applier;
		this.offsets = offsets;
	}

	// the group is spring.kafka.consumer.group-id (KAFKA_CONSUMER_GROUP), not the
	// listener's id
	@KafkaListener(id = "identity-events", idIsGroup = false,
			topics = "#{T(io.kratossync.events.Topics).IDENTITY_EVENTS.name()}", batch = "true")
	void onEvents(List<ConsumerRecord<String, EventEnvelope>> records, Consumer<?, ?> consumer) {
		this.applier.apply(records, consumer);
	}

	@Override
	public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
		try {
			Map<TopicPartition, Long> stored = this.offsets.load(assignments.keySet());
			assignments.forEach((partition, committed) -> {
				Long next = stored.get(partition);
				if (next != null) {
					if (!next.equals(committed)) {
						log.info(
								"Partition {}: resuming at offset {} stored with the state (Kafka's committed offset is "
										+ "{})",
								partition, next, committed);
					}
					callback.seek(partition.topic(), partition.partition(), next);
				}
				else if (!this.offsets.everApplied(partition)) {
					callback.seekToBeginning(List.of(partition));
				}
			});
		}
		catch (RuntimeException ex) {
			log.warn("Could not read the offsets stored with the state on assignment ({}); the first poll of each "
					+ "partition checks them again", Causes.describeRoot(ex));
		}
	}

}
