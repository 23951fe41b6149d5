package io.kratossync.worker.system;

import java.time.Duration;

import io.kratossync.support.KafkaHealthIndicator;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class HealthConfiguration {

	@Bean(destroyMethod = "close")
	KafkaHealthIndicator kafkaHealthIndicator(KafkaProperties kafka) {
		return new KafkaHealthIndicator(kafka.buildAdminProperties(), Duration.ofSeconds(2));
	}

}
