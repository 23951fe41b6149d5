package io.kratossync.ingest.cdc;

import java.util.Map;

import io.kratossync.events.EventEnvelope;
import io.kratossync.support.TopicSettings;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The change data capture source, present only with {@code CDC_ENABLED=true}. It shares
 * the webhooks' producer ({@code acks=all}, idempotent) and topic.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "kratos-sync.cdc.enabled", havingValue = "true")
class CdcConfiguration {

	@Bean
	ChangeCapture changeCapture(CdcProperties cdc, KafkaProperties kafka, TopicSettings topics,
			KafkaTemplate<String, EventEnvelope> template, MeterRegistry meters) {
		Map<String, Object> client = kafka.buildAdminProperties();
		return new ChangeCapture(cdc, DebeziumSettings.of(cdc, client, topics.replicationFactor()), template, meters);
	}

	/**
	 * {@code cdc} in {@code /actuator/health}: up while this instance reads or stands by
	 * for the reader; not part of readiness, since webhooks are taken either way.
	 */
	@Bean
	HealthIndicator cdcHealthIndicator(ChangeCapture capture) {
		return () -> switch (capture.role()) {
			case READING -> Health.up().withDetail("role", "reader").build();
			case STANDBY -> Health.up().withDetail("role", "standby").build();
			case STOPPED -> Health.unknown().build();
			case DISCONNECTED -> Health.down().withDetail("error", String.valueOf(capture.lastError())).build();
		};
	}

}
