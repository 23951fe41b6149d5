package io.kratossync.worker.history;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

import io.kratossync.events.Topics;

import org.springframework.modulith.NamedInterface;

/**
 * Where the history and the state are: the worker's database and the Kafka settings of
 * the service (bootstrap servers, security), the same as the live consumer's.
 *
 * @param dataSource the worker's database
 * @param consumer the consumer settings (the group is not used: nothing is committed)
 * @param producer the producer settings (used by the redrive only)
 * @param topic the topic of identity events
 * @param deadLetters its dead-letter topic
 */
@NamedInterface("api")
public record HistorySources(DataSource dataSource, Map<String, Object> consumer, Map<String, Object> producer,
		String topic, String deadLetters) {

	/**
	 * Keeps the Kafka clients' own settings: Spring's ({@code spring.*}, e.g. the
	 * delegating deserializer's) mean nothing to a plain client.
	 */
	public HistorySources {
		consumer = clientSettings(consumer);
		producer = clientSettings(producer);
	}

	private static Map<String, Object> clientSettings(Map<String, Object> settings) {
		Map<String, Object> copy = new HashMap<>(settings);
		copy.keySet().removeIf((key) -> key.startsWith("spring."));
		return Collections.unmodifiableMap(copy);
	}

	/**
	 * The sources of the worker's own topics.
	 * @param dataSource the worker's database
	 * @param consumer the consumer settings
	 * @param producer the producer settings
	 */
	public HistorySources(DataSource dataSource, Map<String, Object> consumer, Map<String, Object> producer) {
		this(dataSource, consumer, producer, Topics.IDENTITY_EVENTS.name(), Topics.IDENTITY_EVENTS_DLT.name());
	}

}
