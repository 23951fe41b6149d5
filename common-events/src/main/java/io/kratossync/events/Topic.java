package io.kratossync.events;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic with the types of its keys and values. The only place topic names are
 * written is {@link Topics}.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @param name the topic name
 * @param keySerde how keys are written and read
 * @param valueSerde how values are written and read
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

	public Topic {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(keySerde, "keySerde");
		Objects.requireNonNull(valueSerde, "valueSerde");
	}

	/**
	 * How to create this topic: the given partitions, the cluster's replication factor,
	 * unlimited retention (both topics are kept for replay and inspection).
	 * @param partitions the number of partitions
	 * @return the topic definition for an admin client
	 */
	public NewTopic toNewTopic(int partitions) {
		return new NewTopic(this.name, Optional.of(partitions), Optional.empty())
			.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
	}

	@Override
	public String toString() {
		return this.name;
	}

}
