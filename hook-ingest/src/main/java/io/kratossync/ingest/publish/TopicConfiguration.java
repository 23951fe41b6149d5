package io.kratossync.ingest.publish;

import io.kratossync.events.Topics;
import io.kratossync.ingest.system.IngestProperties;
import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Creates the event topic when it does not exist yet (on when {@code spring.kafka.admin.auto-create} is true).
 * Retention is unlimited: the topic is the source of replay and rebuild.
 */
@Configuration(proxyBeanMethods = false)
class TopicConfiguration {

	@Bean
	NewTopic identityEventsTopic(IngestProperties properties) {
		return Topics.IDENTITY_EVENTS.toNewTopic(properties.topicPartitions());
	}

}
