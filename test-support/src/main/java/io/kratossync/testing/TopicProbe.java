package io.kratossync.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.Topics;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what is on a topic, from the first offset to the current end, without joining a
 * consumer group.
 */
public final class TopicProbe {

	private TopicProbe() {
	}

	/**
	 * Every record on the topic now.
	 * @param bootstrapServers the broker
	 * @param topic the topic
	 * @return the records, partition by partition in offset order; empty if the topic
	 * does not exist
	 */
	public static List<ConsumerRecord<byte[], byte[]>> records(String bootstrapServers, String topic) {
		try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers)) {
			List<TopicPartition> partitions = partitions(consumer, topic);
			if (partitions.isEmpty()) {
				return List.of();
			}
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
			List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (!reached(consumer, end) && System.nanoTime() < deadline) {
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
			}
			return records;
		}
	}

	/**
	 * The events about the given identities now on the topic, decoded, partition by
	 * partition in offset order.
	 * @param bootstrapServers the broker
	 * @param topic the topic
	 * @param identities the identities (record keys) wanted
	 * @return the events
	 */
	public static List<EventEnvelope> events(String bootstrapServers, String topic, Set<UUID> identities) {
		List<EventEnvelope> events = new ArrayList<>();
		for (ConsumerRecord<byte[], byte[]> record : records(bootstrapServers, topic)) {
			if (record.key() != null
					&& identities.contains(UUID.fromString(new String(record.key(), StandardCharsets.UTF_8)))) {
				events.add(Topics.IDENTITY_EVENTS.valueSerde()
					.deserializer()
					.deserialize(topic, new RecordHeaders(record.headers().toArray()), record.value()));
			}
		}
		return events;
	}

	/**
	 * The number of records ever written to the topic (sum of the end offsets).
	 * @param bootstrapServers the broker
	 * @param topic the topic
	 * @return the count, 0 if the topic does not exist
	 */
	public static long endOffsetSum(String bootstrapServers, String topic) {
		try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers)) {
			List<TopicPartition> partitions = partitions(consumer, topic);
			return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
		}
	}

	/**
	 * Watches the end offsets of a topic with one consumer, for tests that check many
	 * requests one by one.
	 * @param bootstrapServers the broker
	 * @param topic the topic (it must exist)
	 * @return the watcher; close it when done
	 */
	public static EndOffsets watch(String bootstrapServers, String topic) {
		return new EndOffsets(consumer(bootstrapServers), topic);
	}

	/** The end offsets of one topic, read on demand through one consumer. */
	public static final class EndOffsets implements AutoCloseable {

		private final KafkaConsumer<byte[], byte[]> consumer;

		private final List<TopicPartition> partitions;

		private EndOffsets(KafkaConsumer<byte[], byte[]> consumer, String topic) {
			this.consumer = consumer;
			this.partitions = partitions(consumer, topic);
			if (this.partitions.isEmpty()) {
				consumer.close();
				throw new IllegalStateException("no topic " + topic);
			}
		}

		/**
		 * @return the number of records ever written to the topic (sum of the end
		 * offsets)
		 */
		public long sum() {
			return this.consumer.endOffsets(this.partitions).values().stream().mapToLong(Long::longValue).sum();
		}

		@Override
		public void close() {
			this.consumer.close();
		}

	}

	/**
	 * A record as text, everything in it that could carry a leak: the key, the value and
	 * every header's name and value, each decoded as UTF-8 (a header's {@code toString()}
	 * prints its bytes as numbers, where no secret would show).
	 * @param record the record
	 * @return the text
	 */
	public static String text(ConsumerRecord<byte[], byte[]> record) {
		StringBuilder text = new StringBuilder();
		if (record.key() != null) {
			text.append(new String(record.key(), StandardCharsets.UTF_8)).append('\n');
		}
		if (record.value() != null) {
			text.append(new String(record.value(), StandardCharsets.UTF_8)).append('\n');
		}
		for (Header header : record.headers()) {
			text.append(header.key()).append(": ");
			if (header.value() != null) {
				text.append(new String(header.value(), StandardCharsets.UTF_8));
			}
			text.append('\n');
		}
		return text.toString();
	}

	private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
		return end.entrySet().stream().allMatch((e) -> consumer.position(e.getKey()) >= e.getValue());
	}

	private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
		List<PartitionInfo> infos = consumer.listTopics(Duration.ofSeconds(10)).get(topic);
		if (infos == null) {
			return List.of();
		}
		return infos.stream().map((p) -> new TopicPartition(topic, p.partition())).toList();
	}

	private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
		Properties props = new Properties();
		props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
		props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
	}

}
