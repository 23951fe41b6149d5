package io.kratossync.worker.kratos;

import java.time.Duration;
import java.util.function.Supplier;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.kratossync.worker.system.WorkerProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The circuit breaker around the Kratos Admin API, and the outbox gauges. The breaker's
 * state is exported as {@code resilience4j_circuitbreaker_state{name="kratos-admin"}};
 * every transition is logged.
 */
@Configuration(proxyBeanMethods = false)
class KratosResilienceConfiguration {

	private static final Logger log = LoggerFactory.getLogger(KratosResilienceConfiguration.class);

	@Bean
	CircuitBreaker kratosAdminBreaker(WorkerProperties properties, MeterRegistry meters) {
		WorkerProperties.Outbox outbox = properties.outbox();
		CircuitBreakerConfig config = CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(10)
			.minimumNumberOfCalls(5)
			.failureRateThreshold(outbox.breakerFailureRate())
			// a Kratos that answers, but slowly, is as unhealthy as one that fails
			.slowCallDurationThreshold(properties.kratos().readTimeout().dividedBy(2))
			.slowCallRateThreshold(outbox.breakerFailureRate())
			.waitDurationInOpenState(outbox.breakerOpenFor())
			.permittedNumberOfCallsInHalfOpenState(2)
			.build();
		CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(config);
		CircuitBreaker breaker = registry.circuitBreaker("kratos-admin");
		breaker.getEventPublisher()
			.onStateTransition((event) -> log.warn("Circuit breaker for the Kratos Admin API at {}: {}",
					properties.kratos().adminUrl(), event.getStateTransition()));
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
		return breaker;
	}

	@Bean
	MeterBinder outboxGauges(KratosActions actions) {
		return (meters) -> {
			Gauge.builder("kratos_sync_outbox_pending", actions, (a) -> safely(a::pendingCount))
				.description("Kratos Admin API calls waiting in the outbox")
				.register(meters);
			Gauge
				.builder("kratos_sync_outbox_oldest_pending_age", actions,
						(a) -> safely(() -> a.oldestPendingAge().map(Duration::toSeconds).orElse(0L)))
				.description("Age in seconds of the oldest waiting Kratos Admin API call")
				.baseUnit("seconds")
				.register(meters);
		};
	}

	private static double safely(Supplier<Long> query) {
		try {
			return query.get();
		}
		catch (RuntimeException ex) {
			// database unreachable: no value rather than a failed scrape
			return Double.NaN;
		}
	}

}
