package io.kratossync.worker.consume;

import java.util.Map;

import io.kratossync.events.EventDecodingException;
import io.kratossync.events.EventEnvelope;
import io.kratossync.events.EventEnvelopeSerializer;
import io.kratossync.events.Topics;
import io.kratossync.worker.system.WorkerProperties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.util.backoff.ExponentialBackOff;

import org.apache.kafka.common.TopicPartition;

/**
 * Consumer error handling, classified once: a record that can never be applied (undecodable, missing header,
 * unknown type, invalid data) goes to the dead-letter topic at once with the reason in headers and the partition
 * moves on; any other failure (database down, deadlock...) is retried with exponential back-off without end, so
 * nothing is skipped during an outage.
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

	private static final Logger log = LoggerFactory.getLogger(KafkaConfiguration.class);

	@Bean
	NewTopic identityEventsTopic(WorkerProperties properties) {
		return TopicBuilder.name(Topics.IDENTITY_EVENTS.name())
			.partitions(properties.topicPartitions())
			.config(TopicConfig.RETENTION_MS_CONFIG, "-1")
			.build();
	}

	@Bean
	NewTopic identityEventsDeadLetterTopic(WorkerProperties properties) {
		return TopicBuilder.name(Topics.IDENTITY_EVENTS_DLT.name())
			.partitions(properties.topicPartitions())
			.config(TopicConfig.RETENTION_MS_CONFIG, "-1")
			.build();
	}

	@Bean
	DefaultErrorHandler kafkaErrorHandler(KafkaProperties kafka) {
		Map<String, Object> producer = kafka.buildProducerProperties();
		producer.put(ProducerConfig.ACKS_CONFIG, "all");
		producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		// a record that failed to decode is dead-lettered with its original bytes; one that failed later with its
		// decoded event, written back in the same wire format
		DelegatingByTypeSerializer values = new DelegatingByTypeSerializer(
				Map.of(byte[].class, new ByteArraySerializer(), EventEnvelope.class, new EventEnvelopeSerializer()));
		KafkaTemplate<String, Object> dltTemplate = new KafkaTemplate<>(
				new DefaultKafkaProducerFactory<>(producer, new StringSerializer(), values));
		DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(dltTemplate,
				(record, ex) -> new TopicPartition(Topics.IDENTITY_EVENTS_DLT.name(), record.partition()));
		ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
		backOff.setMaxInterval(30_000);
		DefaultErrorHandler handler = new DefaultErrorHandler((record, ex) -> {
			log.error("Dead-lettered record {}-{}@{} key {}: {}", record.topic(), record.partition(), record.offset(),
					record.key(), ex.getMessage());
			recoverer.accept(record, ex);
		}, backOff);
		handler.addNotRetryableExceptions(DeserializationException.class, EventDecodingException.class);
		return handler;
	}

}
