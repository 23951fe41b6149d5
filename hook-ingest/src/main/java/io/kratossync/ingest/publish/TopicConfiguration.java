package io.kratossync.ingest.publish;

import java.util.List;

import io.kratossync.events.Topics;
import io.kratossync.support.ServiceTopics;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The topic hook-ingest writes, checked against the topic policy at start-up (and created
 * when missing, see {@code kratos-sync.topics.*}): its partition count must be the
 * configured one, never changed by the service.
 */
@Configuration(proxyBeanMethods = false)
class TopicConfiguration {

	@Bean
	ServiceTopics serviceTopics() {
		return new ServiceTopics(List.of(Topics.IDENTITY_EVENTS.name()));
	}

}
