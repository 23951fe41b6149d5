package io.kratossync.worker.consume;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.kratossync.events.CloudEventHeaders;
import io.kratossync.events.DeadLetterHeaders;
import io.kratossync.events.EventDecodingException;
import io.kratossync.events.EventEnvelope;
import io.kratossync.events.EventEnvelopeSerializer;
import io.kratossync.events.Topics;
import io.kratossync.support.Causes;
import io.kratossync.support.ProducerLogging;
import io.kratossync.support.ServiceTopics;
import io.kratossync.worker.system.WorkerProperties;
import io.micrometer.core.instrument.MeterRegistry;
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
import org.springframework.kafka.listener.RetryListener;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Consumer error handling, classified once ({@link FailureKind}): a poison record goes to
 * the dead-letter topic at once, with the exception, its message and the original topic,
 * partition, offset and time in {@code kafka_dlt-*} headers and a one-line reason in
 * {@code kratos_sync_dlt_reason}, and the partition moves on; a transient failure is
 * retried with exponential back-off without end (the partition waits; nothing is skipped,
 * nothing dead-lettered); anything else gets a few attempts, then the dead-letter topic.
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

	private static final Logger log = LoggerFactory.getLogger(KafkaConfiguration.class);

	/**
	 * The topics the worker reads and writes, checked against the topic policy at
	 * start-up.
	 */
	@Bean
	ServiceTopics serviceTopics() {
		return new ServiceTopics(List.of(Topics.IDENTITY_EVENTS.name(), Topics.IDENTITY_EVENTS_DLT.name()));
	}

	@Bean
	DefaultErrorHandler kafkaErrorHandler(KafkaProperties kafka, WorkerProperties properties, MeterRegistry meters,
			OffsetStore offsets, PlatformTransactionManager transactions) {
		TransactionTemplate inTransaction = new TransactionTemplate(transactions);
		Map<String, Object> producer = kafka.buildProducerProperties();
		producer.put(ProducerConfig.ACKS_CONFIG, "all");
		producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		// a record that failed to decode is dead-lettered with its original bytes; one
		// that failed later with its
		// decoded event, written back in the same wire format
		DelegatingByTypeSerializer values = new DelegatingByTypeSerializer(
				Map.of(byte[].class, new ByteArraySerializer(), EventEnvelope.class, new EventEnvelopeSerializer()));
		KafkaTemplate<String, Object> dltTemplate = new KafkaTemplate<>(
				new DefaultKafkaProducerFactory<>(producer, new StringSerializer(), values));
		// a failed send is logged without the record's value (personal data)
		dltTemplate.setProducerListener(ProducerLogging.withoutContents());
		DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(dltTemplate,
				(record, ex) -> new TopicPartition(Topics.IDENTITY_EVENTS_DLT.name(), record.partition()));
		recoverer.setHeadersFunction((record, ex) -> new RecordHeaders(new Header[] {
				new RecordHeader(DeadLetterHeaders.REASON, reason(ex).getBytes(StandardCharsets.UTF_8)) }));
		ClassifiedBackOff backOffs = new ClassifiedBackOff(properties.consumer());
		FailureLog failures = new FailureLog(properties.consumer().unknownFailureRetries());
		DefaultErrorHandler handler = new DefaultErrorHandler((record, ex) -> {
			String type = header(record, CloudEventHeaders.TYPE);
			log.error("Dead-lettered event {} type {} key {} from {}-{}@{}: {}", header(record, CloudEventHeaders.ID),
					type, record.key(), record.topic(), record.partition(), record.offset(), ex.getMessage());
			recoverer.accept(record, ex);
			// the dead letter is durable: the state's position moves past it, as Kafka's
			// committed offset does
			inTransaction.executeWithoutResult((tx) -> offsets
				.store(Map.of(new TopicPartition(record.topic(), record.partition()), record.offset() + 1)));
			meters.counter("kratos_sync_events", "type", (type != null) ? type : "unknown", "outcome", "dead_lettered")
				.increment();
		}, backOffs.of(null));
		// the back-off follows the kind of the latest failure, told to it by the retry
		// listener before each wait
		handler.setBackOffFunction((record, ex) -> backOffs.of(record));
		handler.setResetStateOnExceptionChange(false);
		handler.setRetryListeners(backOffs.listener(), new RetryListener() {

			@Override
			public void failedDelivery(ConsumerRecord<?, ?> record, Exception ex, int deliveryAttempt) {
				FailureKind kind = FailureKind.of(ex);
				meters.counter("kratos_sync_consumer_failures", "kind", kind.name().toLowerCase(Locale.ROOT))
					.increment();
				failures.failed(kind, header(record, CloudEventHeaders.ID), record, reason(ex));
			}

		});
		handler.setCommitRecovered(true);
		return handler;
	}

	/**
	 * The most telling description of why a record failed: the decoding error if any,
	 * else the root cause.
	 */
	static String reason(Throwable ex) {
		for (Throwable t = ex; t != null; t = (t.getCause() == t) ? null : t.getCause()) {
			if (t instanceof EventDecodingException) {
				return t.getMessage();
			}
		}
		return Causes.describeRoot(ex);
	}

	private static String header(ConsumerRecord<?, ?> record, String name) {
		return CloudEventHeaders.text(record.headers(), name);
	}

}
