package io.kratossync.worker.consume;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * Kafka's id of each topic the worker reads, looked up once a minute at most. Offsets
 * stored with the state belong to one topic id: when a topic is deleted and created
 * again, or the worker points at another cluster, they mean nothing for the new topic.
 */
@Component
class TopicIds {

	private static final Logger log = LoggerFactory.getLogger(TopicIds.class);

	private static final long TTL_NANOS = Duration.ofMinutes(1).toNanos();

	private record Known(String id, long atNanos) {
	}

	private final KafkaAdmin admin;

	private final Map<String, Known> known = new ConcurrentHashMap<>();

	TopicIds(KafkaAdmin admin) {
		this.admin = admin;
	}

	/**
	 * @param topic the topic
	 * @return its id, or {@code null} when the broker cannot tell now
	 */
	String of(String topic) {
		Known cached = this.known.get(topic);
		if (cached != null && System.nanoTime() - cached.atNanos() < TTL_NANOS) {
			return cached.id();
		}
		try {
			Map<String, TopicDescription> described = this.admin.describeTopics(topic);
			String id = described.get(topic).topicId().toString();
			this.known.put(topic, new Known(id, System.nanoTime()));
			return id;
		}
		catch (RuntimeException ex) {
			log.debug("Could not look up the id of topic {}: {}", topic, ex.getMessage());
			return (cached != null) ? cached.id() : null;
		}
	}

	/**
	 * @return the topics whose id is known
	 */
	Set<String> topics() {
		return this.known.keySet();
	}

}
