package io.kratossync.events;

import java.util.Objects;

import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic with the types of its keys and values. The only place topic names are written is
 * {@link Topics}.
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

	@Override
	public String toString() {
		return this.name;
	}

}
