package io.kratossync.ingest.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.Topics;
import io.kratossync.ingest.system.IngestProperties;
import io.kratossync.support.Causes;
import io.kratossync.support.FailureDigest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.modulith.NamedInterface;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes an event and completes only once the broker acknowledged it
 * ({@code acks=all}, idempotent producer); the whole attempt is bounded by
 * {@code publish-timeout}. {@code KafkaProducer.send} blocks only while it fetches the
 * topic's metadata or waits for room in its buffer: while Kafka acknowledged an event
 * less than {@link #WARM} ago, none has failed since, and fewer than
 * {@link #DIRECT_IN_FLIGHT} events await their acknowledgement, neither can happen and
 * the send is made where the request is (the Netty event loop); otherwise (the first
 * event, after an idle spell or a failure, with many in flight) it is made on the bounded
 * elastic scheduler, so that a slow broker never holds an event loop. The hop to another
 * thread and back cost about a twentieth of the CPU per webhook.
 * <p>
 * Trace context: the caller's {@code traceparent} (Kratos's, when it traces) is continued
 * by one producer span per event, written into the record's headers, where the worker
 * picks it up. This is done here rather than by the HTTP server and Kafka template
 * observations, which cost about a seventh of the ingest's CPU at full load for the same
 * trace (README "Performance").
 */
@Component
@NamedInterface("api")
public class EventPublisher {

	private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

	private final KafkaTemplate<String, EventEnvelope> template;

	private final IngestProperties properties;

	private final Tracer tracer;

	private final Propagator propagator;

	private final Timer acknowledged;

	private final Timer failed;

	private final PublishSummary summary = new PublishSummary(Duration.ofMinutes(1), System::nanoTime);

	/**
	 * A broker outage fails every webhook: the first of each cause at once, then a
	 * summary a minute.
	 */
	private final FailureDigest failures = new FailureDigest("unacknowledged events", Duration.ofMinutes(1),
			System::nanoTime, log::error);

	private final Counter fastFailed;

	private volatile long lastFailureNanos;

	/** How recently an acknowledgement must have come for a send on the event loop. */
	static final Duration WARM = Duration.ofSeconds(30);

	/**
	 * The most events awaiting acknowledgement for a send on the event loop: far below
	 * what fills the producer's buffer (32 MB) with events of at most a few KB.
	 */
	static final int DIRECT_IN_FLIGHT = 1024;

	private final AtomicInteger inFlight = new AtomicInteger();

	/**
	 * Whether the last outcome was a failure: no send on the event loop, and (with
	 * {@code fail-fast-for}) the 503 at once.
	 */
	private volatile boolean failedSinceSuccess;

	private volatile long lastSuccessNanos;

	EventPublisher(KafkaTemplate<String, EventEnvelope> template, IngestProperties properties, MeterRegistry meters,
			ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
		this.template = template;
		this.properties = properties;
		this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
		this.propagator = propagator.getIfAvailable(() -> Propagator.NOOP);
		this.acknowledged = publishTimer(meters, "acknowledged");
		this.failed = publishTimer(meters, "failed");
		this.fastFailed = Counter.builder("kratos_sync_publish_fast_failed")
			.description("Events answered 503 at once because Kafka had just failed to acknowledge one")
			.register(meters);
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
	 * @param request the headers of the request that carried it, for its trace context
	 * @return the acknowledgement, or {@link PublishFailedException} when Kafka did not
	 * acknowledge in time
	 */
	public Mono<Published> publish(EventEnvelope event, HttpHeaders request) {
		if (failingFast()) {
			this.fastFailed.increment();
			return Mono
				.error(new PublishFailedException("event " + event.id() + " not sent: Kafka failed to acknowledge "
						+ "an event less than " + this.properties.failFastFor() + " ago", null));
		}
		ProducerRecord<String, EventEnvelope> record = new ProducerRecord<>(Topics.IDENTITY_EVENTS.name(),
				event.subject().toString(), event);
		Span span = this.propagator.extract(request, HttpHeaders::getFirst)
			.kind(Span.Kind.PRODUCER)
			.name(Topics.IDENTITY_EVENTS.name() + " send")
			.start();
		this.propagator.inject(span.context(), record,
				(carrier, key, value) -> carrier.headers().add(key, value.getBytes(StandardCharsets.UTF_8)));
		long start = System.nanoTime();
		Mono<SendResult<String, EventEnvelope>> send = Mono.fromFuture(() -> {
			this.inFlight.incrementAndGet();
			return this.template.send(record).whenComplete((result, ex) -> this.inFlight.decrementAndGet());
		});
		if (!warm(start)) {
			send = send.subscribeOn(Schedulers.boundedElastic());
		}
		return send.timeout(this.properties.publishTimeout())
			.map((result) -> new Published(event, result.getRecordMetadata().partition(),
					result.getRecordMetadata().offset()))
			.doOnEach((signal) -> {
				if (signal.isOnNext() || signal.isOnError()) {
					finished(event, span, start, signal.get(), signal.getThrowable());
				}
			})
			.doOnCancel(span::end)
			.onErrorMap((ex) -> !(ex instanceof PublishFailedException),
					(ex) -> new PublishFailedException("event " + event.id() + " not acknowledged", ex));
	}

	/**
	 * Whether the producer surely has the topic's metadata and room in its buffer, so
	 * that {@code send} cannot block.
	 */
	private boolean warm(long now) {
		long succeeded = this.lastSuccessNanos;
		return succeeded != 0 && !this.failedSinceSuccess && now - succeeded < WARM.toNanos()
				&& this.inFlight.get() < DIRECT_IN_FLIGHT;
	}

	/**
	 * Whether to answer 503 at once, without trying: Kafka failed the last event less
	 * than {@code fail-fast-for} ago and has acknowledged none since. During a broker
	 * outage a webhook then gets its 503 in microseconds instead of after the metadata or
	 * delivery timeout, so Kratos's three attempts (and the user's sign-in or settings
	 * page) wait seconds less; one request per interval still tries for real.
	 */
	private boolean failingFast() {
		if (this.properties.failFastFor().isZero()) {
			return false;
		}
		return this.failedSinceSuccess
				&& System.nanoTime() - this.lastFailureNanos < this.properties.failFastFor().toNanos();
	}

	/**
	 * Records the outcome: metrics, the span, and the log line (with the trace ids of the
	 * span).
	 */
	private void finished(EventEnvelope event, Span span, long start, Published published, Throwable failure) {
		if (published != null) {
			this.lastSuccessNanos = System.nanoTime();
			this.failedSinceSuccess = false;
		}
		else {
			this.lastFailureNanos = System.nanoTime();
			this.failedSinceSuccess = true;
		}
		(published != null ? this.acknowledged : this.failed).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
		try (Tracer.SpanInScope scope = this.tracer.withSpan(span)) {
			if (published != null) {
				log.debug("Published event {} type {} key {} to partition {} offset {}", event.id(),
						event.type().ceType(), event.subject(), published.partition(), published.offset());
			}
			else {
				span.error(failure);
				String detail = String.format(
						"Could not publish event %s type %s key %s: %s; answering 503 so the " + "caller retries",
						event.id(), event.type().ceType(), event.subject(), describe(failure));
				log.debug(detail);
				this.failures.failed(kind(failure), detail);
			}
		}
		finally {
			span.end();
		}
		String summary = this.summary.record(published != null);
		if (summary != null) {
			log.info(summary);
		}
	}

	private static String kind(Throwable ex) {
		return (ex instanceof TimeoutException) ? "timeout" : Causes.root(ex).getClass().getSimpleName();
	}

	private static String describe(Throwable ex) {
		if (ex instanceof TimeoutException) {
			return "no acknowledgement within the publish timeout";
		}
		return Causes.describeRoot(ex);
	}

}
