package io.kratossync.ingest.publish;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.Topics;
import io.kratossync.ingest.system.IngestProperties;
import io.kratossync.support.Causes;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes an event and completes only once the broker acknowledged it ({@code acks=all}, idempotent
 * producer). {@code KafkaProducer.send} can block while it fetches metadata, so it runs on the bounded elastic
 * scheduler, never on a Netty event loop; the whole attempt is bounded by {@code publish-timeout}.
 */
@Component
public class EventPublisher {

	private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

	private final KafkaTemplate<String, EventEnvelope> template;

	private final IngestProperties properties;

	private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().build();

	private final Timer acknowledged;

	private final Timer failed;

	EventPublisher(KafkaTemplate<String, EventEnvelope> template, IngestProperties properties, MeterRegistry meters) {
		this.template = template;
		this.properties = properties;
		this.acknowledged = publishTimer(meters, "acknowledged");
		this.failed = publishTimer(meters, "failed");
	}

	private static Timer publishTimer(MeterRegistry meters, String outcome) {
		return Timer.builder("kratos_sync_publish")
			.description("Time until Kafka acknowledged (or did not) an event")
			.tag("outcome", outcome)
			.publishPercentileHistogram()
			.register(meters);
	}

	/**
	 * Publishes the event to {@link Topics#IDENTITY_EVENTS}, keyed by identity id.
	 * @param event the event
	 * @return the acknowledgement, or {@link PublishFailedException} when Kafka did not acknowledge in time
	 */
	public Mono<Published> publish(EventEnvelope event) {
		ProducerRecord<String, EventEnvelope> record = new ProducerRecord<>(Topics.IDENTITY_EVENTS.name(),
				event.subject().toString(), event);
		long start = System.nanoTime();
		// the request's observation (its trace) is restored around the send alone, where the template's own
		// observation starts and writes the traceparent header: cheaper than restoring it around every operator
		return Mono.deferContextual((context) -> Mono.fromFuture(() -> {
			try (ContextSnapshot.Scope scope = SNAPSHOTS.setThreadLocalsFrom(context)) {
				return this.template.send(record);
			}
		}))
			.subscribeOn(Schedulers.boundedElastic())
			.timeout(this.properties.publishTimeout())
			// handle (not map): with limited context propagation it runs with the trace restored, for the log line
			.<Published>handle((result, sink) -> {
				Published published = new Published(event, result.getRecordMetadata().partition(),
						result.getRecordMetadata().offset());
				log.info("Published event {} type {} key {} to partition {} offset {}", event.id(),
						event.type().ceType(), event.subject(), published.partition(), published.offset());
				sink.next(published);
			})
			.doOnEach((signal) -> {
				if (signal.isOnNext() || signal.isOnError()) {
					(signal.isOnNext() ? this.acknowledged : this.failed).record(System.nanoTime() - start,
							TimeUnit.NANOSECONDS);
				}
			})
			.onErrorMap((ex) -> !(ex instanceof PublishFailedException), (ex) -> {
				log.error("Could not publish event {} type {} key {}: {}; answering 503 so the caller retries",
						event.id(), event.type().ceType(), event.subject(), describe(ex));
				return new PublishFailedException("event " + event.id() + " not acknowledged", ex);
			});
	}

	private static String describe(Throwable ex) {
		if (ex instanceof TimeoutException) {
			return "no acknowledgement within the publish timeout";
		}
		return Causes.describeRoot(ex);
	}

}
