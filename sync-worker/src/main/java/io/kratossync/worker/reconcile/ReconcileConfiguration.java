package io.kratossync.worker.reconcile;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.kratossync.events.EventEnvelope;
import io.kratossync.events.EventEnvelopeSerializer;
import io.kratossync.events.Topics;
import io.kratossync.support.AcknowledgedSends;
import io.kratossync.support.Secret;
import io.kratossync.worker.kratos.KratosTransport;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.client.RestClient;

/**
 * The sweep's parts in the service: the Admin API reader on the worker's Kratos transport
 * and breaker, a producer of its own ({@code acks=all}, idempotent), and the schedule.
 */
@Configuration(proxyBeanMethods = false)
class ReconcileConfiguration {

	private static final Logger log = LoggerFactory.getLogger(ReconcileConfiguration.class);

	@Bean
	Reconciler reconciler(DataSource dataSource, KratosTransport transport,
			@Qualifier("kratosAdminBreaker") CircuitBreaker breaker, KafkaProperties kafka,
			io.kratossync.worker.system.WorkerProperties worker, ReconcileProperties properties, MeterRegistry meters) {
		return create(dataSource, transport.requestFactory(), breaker, kafka.buildProducerProperties(),
				worker.kratos().adminUrl(), worker.kratos().adminToken(), properties, meters);
	}

	@Bean
	ReconcileSchedule reconcileSchedule(Reconciler reconciler, ReconcileProperties properties) {
		return new ReconcileSchedule(reconciler, properties);
	}

	/**
	 * A reconciler, for the service and for the {@code reconcile} command alike.
	 */
	static Reconciler create(DataSource dataSource, org.springframework.http.client.ClientHttpRequestFactory requests,
			CircuitBreaker breaker, Map<String, Object> producerSettings, java.net.URI adminUrl, Secret adminToken,
			ReconcileProperties properties, MeterRegistry meters) {
		RestClient.Builder admin = RestClient.builder().baseUrl(adminUrl.toString()).requestFactory(requests);
		if (adminToken.isPresent()) {
			admin.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + adminToken.reveal());
		}
		KratosIdentities kratos = new KratosIdentities(admin.build(), breaker, properties.requestsPerSecond(), meters,
				System::nanoTime, (d) -> TimeUnit.NANOSECONDS.sleep(d.toNanos()));
		return new Reconciler(dataSource, kratos, publisher(producerSettings, properties), properties, meters);
	}

	private static Reconciler.Publisher publisher(Map<String, Object> producerSettings,
			ReconcileProperties properties) {
		Map<String, Object> settings = new HashMap<>();
		producerSettings.forEach((key, value) -> {
			if (!key.startsWith("spring.")) {
				settings.put(key, value);
			}
		});
		settings.put(ProducerConfig.ACKS_CONFIG, "all");
		settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		settings.put(ProducerConfig.CLIENT_ID_CONFIG, "kratos-sync-reconcile");
		settings.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		KafkaProducer<String, EventEnvelope>[] producer = new KafkaProducer[1];
		return (events) -> {
			if (events.isEmpty()) {
				return;
			}
			synchronized (producer) {
				if (producer[0] == null) {
					producer[0] = new KafkaProducer<>(settings, new StringSerializer(), new EventEnvelopeSerializer());
				}
			}
			AcknowledgedSends.inOrder(events,
					(event) -> producer[0]
						.send(new ProducerRecord<>(Topics.IDENTITY_EVENTS.name(), event.subject().toString(), event)),
					properties.publishTimeout(), () -> true, (event) -> {
					},
					(unacknowledged, total, ex, wait) -> log.warn(
							"Kafka did not acknowledge reconcile event {} of {}; retrying in {} ms", unacknowledged,
							total, wait));
		};
	}

}
