package io.kratossync.worker.consume;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.kratossync.events.CloudEventHeaders;
import io.kratossync.events.EventDecodingException;
import io.kratossync.events.EventEnvelope;
import io.kratossync.events.EventEnvelopeSerializer;
import io.kratossync.events.Topics;
import io.kratossync.support.Causes;
import io.kratossync.worker.system.WorkerProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Consumer error handling, classified once ({@link FailureKind}): a poison record goes to the dead-letter topic
 * at once, with the exception, its message and the original topic, partition, offset and time in
 * {@code kafka_dlt-*} headers and a one-line reason in {@code kratos_sync_dlt_reason}, and the partition moves on; a transient failure is retried with exponential
 * back-off without end (the partition waits; nothing is skipped, nothing dead-lettered); anything else gets a
 * few attempts, then the dead-letter topic.
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

	private static final Logger log = LoggerFactory.getLogger(KafkaConfiguration.class);

	/** Header of a dead letter that says, in one line, why the record could not be applied. */
	static final String REASON_HEADER = "kratos_sync_dlt_reason";

	@Bean
	NewTopic identityEventsTopic(WorkerProperties properties) {
		return Topics.IDENTITY_EVENTS.toNewTopic(properties.topicPartitions());
	}

	@Bean
	NewTopic identityEventsDeadLetterTopic(WorkerProperties properties) {
		return Topics.IDENTITY_EVENTS_DLT.toNewTopic(properties.topicPartitions());
	}

	@Bean
	DefaultErrorHandler kafkaErrorHandler(KafkaProperties kafka, WorkerProperties properties, MeterRegistry meters) {
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
		recoverer.setHeadersFunction((record, ex) -> new RecordHeaders(
				new Header[] { new RecordHeader(REASON_HEADER, reason(ex).getBytes(StandardCharsets.UTF_8)) }));
		WorkerProperties.Consumer settings = properties.consumer();
		DefaultErrorHandler handler = new DefaultErrorHandler((record, ex) -> {
			String type = header(record, CloudEventHeaders.TYPE);
			log.error("Dead-lettered event {} type {} key {} from {}-{}@{}: {}", header(record, CloudEventHeaders.ID),
					type, record.key(), record.topic(), record.partition(), record.offset(), ex.getMessage());
			recoverer.accept(record, ex);
			meters.counter("kratos_sync_events", "type", (type != null) ? type : "unknown", "outcome", "dead_lettered")
				.increment();
			// the default back-off must allow retries: with none, the handler never asks the back-off function
		}, backOff(FailureKind.UNKNOWN, settings, null));
		handler.setBackOffFunction((record, ex) -> {
			FailureKind kind = FailureKind.of(ex);
			meters.counter("kratos_sync_consumer_failures", "kind", kind.name().toLowerCase(java.util.Locale.ROOT))
				.increment();
			log.warn("Event {} key {} at {}-{}@{} failed ({}: {}); {}", header(record, CloudEventHeaders.ID), record.key(),
					record.topic(), record.partition(), record.offset(), kind, reason(ex), switch (kind) {
						case POISON -> "dead-lettering it";
						case TRANSIENT -> "retrying with back-off until it succeeds";
						case UNKNOWN -> "retrying " + settings.unknownFailureRetries() + " times, then dead-lettering it";
					});
			return backOff(kind, settings, record);
		});
		handler.setCommitRecovered(true);
		return handler;
	}

	private static BackOff backOff(FailureKind kind, WorkerProperties.Consumer settings, ConsumerRecord<?, ?> record) {
		return switch (kind) {
			case POISON -> new FixedBackOff(0, 0);
			case TRANSIENT -> {
				ExponentialBackOff backOff = new ExponentialBackOff(settings.initialBackoff().toMillis(), 2.0);
				backOff.setMaxInterval(settings.maxBackoff().toMillis());
				yield backOff;
			}
			case UNKNOWN -> new FixedBackOff(settings.initialBackoff().toMillis(), settings.unknownFailureRetries());
		};
	}

	/** The most telling description of why a record failed: the decoding error if any, else the root cause. */
	static String reason(Throwable ex) {
		for (Throwable t = ex; t != null; t = (t.getCause() == t) ? null : t.getCause()) {
			if (t instanceof EventDecodingException) {
				return t.getMessage();
			}
		}
		return Causes.describeRoot(ex);
	}

	private static String header(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

}
