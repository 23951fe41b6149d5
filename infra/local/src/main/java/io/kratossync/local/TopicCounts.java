package io.kratossync.local;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import io.kratossync.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How many records the event topic holds.
 */
final class TopicCounts {

	private TopicCounts() {
	}

	static long records(String bootstrapServers) {
		Properties props = new Properties();
		props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
				new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(Topics.IDENTITY_EVENTS.name(), Duration.ofSeconds(10))
				.stream()
				.map((p) -> new TopicPartition(p.topic(), p.partition()))
				.toList();
			return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
		}
	}

}
