package io.kratossync.support;

import java.time.Clock;
import java.time.Duration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * What both services need alike: the clock they stamp events with, the Kafka check of
 * their readiness group, and the policy of their topics.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@EnableConfigurationProperties(TopicSettings.class)
public class SupportAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Clock clock() {
		return Clock.systemUTC();
	}

	/**
	 * The topic policy of the service, checked at start-up, for a service that names its
	 * topics.
	 * @param kafka the Kafka settings
	 * @param settings the policy
	 * @param topics the topics of the service
	 * @return the policy, also the {@code topicPolicy} health indicator
	 */
	@Bean
	@ConditionalOnBean({ KafkaProperties.class, ServiceTopics.class })
	TopicPolicy topicPolicy(KafkaProperties kafka, TopicSettings settings, ServiceTopics topics) {
		TopicPolicy policy = new TopicPolicy(kafka.buildAdminProperties(), settings, topics.names(),
				Duration.ofSeconds(5));
		policy.checkAtStart();
		return policy;
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnBean(KafkaProperties.class)
	@ConditionalOnMissingBean(name = "kafkaHealthIndicator")
	KafkaHealthIndicator kafkaHealthIndicator(KafkaProperties kafka) {
		return new KafkaHealthIndicator(kafka.buildAdminProperties(), Duration.ofSeconds(2));
	}

}
