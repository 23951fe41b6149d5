package io.kratossync.worker.history;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.kratossync.events.EventDecodingException;
import io.kratossync.events.EventEnvelope;
import io.kratossync.events.EventEnvelopeDeserializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads a topic's history with a consumer of its own: partitions assigned by hand, no
 * consumer group, nothing committed, so it runs beside the live consumer without touching
 * its position.
 */
final class HistoryReader implements AutoCloseable {

	/**
	 * How long a call to the broker may take, unless default.api.timeout.ms says
	 * otherwise.
	 */
	private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

	private final Duration timeout;

	/** One record read, decoded when it could be. */
	record Read(ConsumerRecord<byte[], byte[]> record, EventEnvelope event, String failure) {

		String key() {
			return (this.record.key() != null) ? new String(this.record.key(), StandardCharsets.UTF_8) : null;
		}

	}

	private final String topic;

	private final KafkaConsumer<byte[], byte[]> consumer;

	private final Map<String, Object> properties;

	private final EventEnvelopeDeserializer decoder = new EventEnvelopeDeserializer();

	/**
	 * @param topic the topic
	 * @param consumerProperties the consumer settings of the service (bootstrap servers,
	 * security); its group is not used
	 */
	HistoryReader(String topic, Map<String, Object> consumerProperties) {
		this.topic = topic;
		this.properties = new HashMap<>(consumerProperties);
		this.properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
		this.properties.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		this.properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		this.properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		this.properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
		Object apiTimeout = this.properties.get(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
		this.timeout = (apiTimeout != null) ? Duration.ofMillis(Long.parseLong(apiTimeout.toString()))
				: DEFAULT_TIMEOUT;
		this.consumer = new KafkaConsumer<>(this.properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
	}

	private String bootstrapServers() {
		// a list, or its text
		return String.valueOf(this.properties.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)).replaceAll("[\\[\\] ]", "");
	}

	String topic() {
		return this.topic;
	}

	/**
	 * @return the partitions of the topic
	 */
	List<Integer> partitions() {
		List<PartitionInfo> infos;
		try {
			infos = this.consumer.partitionsFor(this.topic, this.timeout);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("the broker at " + bootstrapServers() + " did not answer within "
					+ this.timeout.toSeconds() + " s (KAFKA_BOOTSTRAP_SERVERS): " + ex.getMessage(), ex);
		}
		if (infos == null || infos.isEmpty()) {
			throw new IllegalStateException("topic " + this.topic + " does not exist");
		}
		return infos.stream().map(PartitionInfo::partition).sorted().toList();
	}

	/**
	 * @return Kafka's id of the topic
	 */
	String topicId() {
		Map<String, Object> admin = new HashMap<>(this.properties);
		admin.keySet()
			.removeIf((key) -> !key.startsWith("bootstrap") && !key.startsWith("security") && !key.startsWith("sasl")
					&& !key.startsWith("ssl") && !key.startsWith("client"));
		try (Admin client = Admin.create(admin)) {
			return client.describeTopics(List.of(this.topic))
				.allTopicNames()
				.get(this.timeout.toSeconds(), TimeUnit.SECONDS)
				.get(this.topic)
				.topicId()
				.toString();
		}
		catch (Exception ex) {
			throw new IllegalStateException("cannot describe topic " + this.topic + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * The partition that holds the records of a key, as the producers place them (Kafka's
	 * default partitioner: murmur2 of the key bytes).
	 * @param key the key (an identity id)
	 * @param partitions how many partitions the topic has
	 * @return the partition
	 */
	static int partitionOf(String key, int partitions) {
		return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
	}

	Map<Integer, Long> beginning(List<Integer> partitions) {
		return byPartition(this.consumer.beginningOffsets(topicPartitions(partitions), this.timeout));
	}

	Map<Integer, Long> end(List<Integer> partitions) {
		return byPartition(this.consumer.endOffsets(topicPartitions(partitions), this.timeout));
	}

	/**
	 * The first offset of each partition at or after a time; the end where nothing is.
	 * @param partitions the partitions
	 * @param time the time
	 * @return the offsets
	 */
	Map<Integer, Long> at(List<Integer> partitions, Instant time) {
		Map<TopicPartition, Long> query = new HashMap<>();
		for (TopicPartition partition : topicPartitions(partitions)) {
			query.put(partition, time.toEpochMilli());
		}
		Map<TopicPartition, OffsetAndTimestamp> found = this.consumer.offsetsForTimes(query, this.timeout);
		Map<Integer, Long> end = end(partitions);
		Map<Integer, Long> offsets = new HashMap<>();
		for (int partition : partitions) {
			OffsetAndTimestamp at = found.get(new TopicPartition(this.topic, partition));
			offsets.put(partition, (at != null) ? at.offset() : end.get(partition));
		}
		return offsets;
	}

	/**
	 * Reads each partition from {@code from} up to (not including) {@code to}, handing
	 * the records over a poll at a time, each partition in offset order.
	 * @param from the first offset of each partition
	 * @param to the end of each partition's range
	 * @param batches told each poll's records
	 * @return how many records were read
	 */
	long read(Map<Integer, Long> from, Map<Integer, Long> to, Consumer<List<Read>> batches) {
		Map<TopicPartition, Long> remaining = new HashMap<>();
		for (Map.Entry<Integer, Long> entry : from.entrySet()) {
			long end = to.getOrDefault(entry.getKey(), entry.getValue());
			if (end > entry.getValue()) {
				remaining.put(new TopicPartition(this.topic, entry.getKey()), end);
			}
		}
		if (remaining.isEmpty()) {
			return 0;
		}
		this.consumer.assign(remaining.keySet());
		remaining.keySet().forEach((tp) -> this.consumer.seek(tp, from.get(tp.partition())));
		long read = 0;
		while (!remaining.isEmpty()) {
			ConsumerRecords<byte[], byte[]> polled = this.consumer.poll(Duration.ofSeconds(1));
			List<Read> batch = new ArrayList<>(polled.count());
			for (ConsumerRecord<byte[], byte[]> record : polled) {
				TopicPartition tp = new TopicPartition(record.topic(), record.partition());
				Long end = remaining.get(tp);
				if (end == null || record.offset() >= end) {
					continue;
				}
				batch.add(decode(record));
			}
			if (!batch.isEmpty()) {
				read += batch.size();
				batches.accept(batch);
			}
			// a partition is done once its position reaches the end of the range (also
			// across gaps: transaction markers, compacted records)
			for (TopicPartition tp : List.copyOf(remaining.keySet())) {
				if (this.consumer.position(tp, this.timeout) >= remaining.get(tp)) {
					remaining.remove(tp);
					this.consumer.pause(List.of(tp));
				}
			}
		}
		this.consumer.unsubscribe();
		return read;
	}

	private Read decode(ConsumerRecord<byte[], byte[]> record) {
		try {
			return new Read(record, this.decoder.deserialize(record.topic(), record.headers(), record.value()), null);
		}
		catch (EventDecodingException | IllegalArgumentException ex) {
			return new Read(record, null, ex.getMessage());
		}
	}

	private List<TopicPartition> topicPartitions(List<Integer> partitions) {
		return partitions.stream().map((p) -> new TopicPartition(this.topic, p)).toList();
	}

	private static Map<Integer, Long> byPartition(Map<TopicPartition, Long> offsets) {
		Map<Integer, Long> result = new HashMap<>();
		offsets.forEach((tp, offset) -> result.put(tp.partition(), offset));
		return result;
	}

	@Override
	public void close() {
		this.consumer.close();
	}

}
