package io.kratossync.ingest.publish;

import java.util.List;

import io.kratossync.events.Topics;
import io.kratossync.support.ProducerLogging;
import io.kratossync.support.ServiceTopics;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.support.ProducerListener;

/**
 * The topic hook-ingest writes, checked against the topic policy at start-up (and created
 * when missing, see {@code kratos-sync.topics.*}): its partition count must be the
 * configured one, never changed by the service. And what a failed send logs.
 */
@Configuration(proxyBeanMethods = false)
class TopicConfiguration {

	@Bean
	ServiceTopics serviceTopics() {
		return new ServiceTopics(List.of(Topics.IDENTITY_EVENTS.name()));
	}

	/**
	 * Replaces Spring's listener, which logs a failed send with its value (personal
	 * data).
	 */
	@Bean
	ProducerListener<Object, Object> kafkaProducerListener() {
		return ProducerLogging.withoutContents();
	}

}
