package io.kratossync.worker.kratos;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.kratossync.worker.kratos.KratosActions.Claimed;
import io.kratossync.worker.system.WorkerProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Works off the outbox: claims due actions, calls Kratos, and records the result. A failed call is retried with
 * jittered exponential back-off up to a cap; a circuit breaker stops calling a Kratos that keeps failing and
 * lets a trial call through after a while. Nothing is dropped: an action that keeps failing past
 * {@code give-up-after} is marked failed, counted, and logged at ERROR for an operator. Revocation is idempotent
 * in Kratos (404 after a success), so running an action twice is harmless.
 */
@Component
class OutboxExecutor {

	private static final Logger log = LoggerFactory.getLogger(OutboxExecutor.class);

	private final KratosActions actions;

	private final KratosAdminClient kratos;

	private final WorkerProperties.Outbox settings;

	private final String adminUrl;

	private final Clock clock;

	private final CircuitBreaker breaker;

	private final MeterRegistry meters;

	private final KratosAdminHealthIndicator credentials;

	OutboxExecutor(KratosActions actions, KratosAdminClient kratos, WorkerProperties properties, Clock clock,
			CircuitBreaker kratosAdminBreaker, MeterRegistry meters, KratosAdminHealthIndicator credentials) {
		this.actions = actions;
		this.kratos = kratos;
		this.settings = properties.outbox();
		this.adminUrl = properties.kratos().adminUrl().toString();
		this.clock = clock;
		this.breaker = kratosAdminBreaker;
		this.meters = meters;
		this.credentials = credentials;
	}

	@Scheduled(fixedDelayString = "${kratos-sync.worker.outbox.poll-interval:500ms}")
	void runDue() {
		List<Claimed> claimed;
		do {
			if (!this.breaker.tryAcquirePermission()) {
				return;
			}
			claimed = this.actions.claimDue(this.settings.batchSize(), this.clock.instant().plus(this.settings.lease()));
			if (claimed.isEmpty()) {
				this.breaker.releasePermission();
				return;
			}
			for (int i = 0; i < claimed.size(); i++) {
				Claimed action = claimed.get(i);
				if (i > 0 && !this.breaker.tryAcquirePermission()) {
					this.actions.release(action.id(), this.clock.instant().plus(this.settings.breakerOpenFor()));
					continue;
				}
				run(action);
			}
		}
		while (claimed.size() == this.settings.batchSize());
	}

	private void run(Claimed action) {
		long start = System.nanoTime();
		KratosAdminClient.Outcome outcome = this.kratos.revokeSessions(action.identityId());
		long took = System.nanoTime() - start;
		Timer.builder("kratos_sync_kratos_calls")
			.tag("operation", "revoke_sessions")
			.tag("outcome", outcome.result().name().toLowerCase(java.util.Locale.ROOT))
			.register(this.meters)
			.record(took, TimeUnit.NANOSECONDS);
		switch (outcome.result()) {
			case DONE -> {
				this.breaker.onSuccess(took, TimeUnit.NANOSECONDS);
				this.credentials.accepted();
				this.actions.done(action.id());
				log.info("Revoked all sessions of identity {} for event {} ({}, attempt {})", action.identityId(),
						action.eventId(), outcome.detail(), action.attempts());
			}
			case REJECTED -> {
				this.breaker.onSuccess(took, TimeUnit.NANOSECONDS);
				this.credentials.accepted();
				fail(action, outcome.detail(), "Kratos rejected the revocation");
			}
			case UNAUTHORIZED -> {
				this.breaker.onError(took, TimeUnit.NANOSECONDS, new KratosUnavailableException(outcome.detail()));
				this.credentials.refused(this.adminUrl, outcome.detail());
				retryLater(action, outcome.detail(), this.settings.maxBackoff());
			}
			case RETRY -> {
				this.breaker.onError(took, TimeUnit.NANOSECONDS, new KratosUnavailableException(outcome.detail()));
				retryLater(action, outcome.detail(), outcome.retryAfter());
			}
		}
	}

	/**
	 * Schedules the next attempt after the back-off, or after {@code atLeast} when that is longer (Kratos's
	 * {@code Retry-After}, or the longest back-off while Kratos refuses our credentials).
	 */
	private void retryLater(Claimed action, String detail, Duration atLeast) {
		Instant now = this.clock.instant();
		if (action.createdAt().plus(this.settings.giveUpAfter()).isBefore(now)) {
			fail(action, detail, "Gave up after " + action.attempts() + " attempts since " + action.createdAt());
			return;
		}
		Duration wait = backoff(action.attempts());
		if (atLeast != null && atLeast.compareTo(wait) > 0) {
			wait = atLeast;
		}
		this.actions.retryAt(action.id(), now.plus(wait), detail);
		log.warn("Kratos Admin API at {} did not revoke sessions of identity {} for event {} ({}); "
				+ "the revocation waits in the outbox, attempt {} failed, next in {} ms", this.adminUrl,
				action.identityId(), action.eventId(), detail, action.attempts(), wait.toMillis());
	}

	private void fail(Claimed action, String detail, String why) {
		this.actions.failed(action.id(), detail);
		this.meters.counter("kratos_sync_outbox_failed", "action", action.action()).increment();
		log.error("{}: revoking sessions of identity {} for event {} failed ({}); marked failed, "
				+ "revoke them by hand with DELETE /admin/identities/{}/sessions", why, action.identityId(),
				action.eventId(), detail, action.identityId());
	}

	/**
	 * Exponential back-off with "equal jitter": half the exponential wait plus a random share of the other half,
	 * capped.
	 */
	Duration backoff(int attempts) {
		long base = this.settings.initialBackoff().toMillis();
		long cap = this.settings.maxBackoff().toMillis();
		long exp = (attempts >= 31) ? cap : Math.min(cap, base * (1L << Math.max(0, attempts - 1)));
		long half = exp / 2;
		return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
	}

	/** A failed call, as the circuit breaker records it. */
	static final class KratosUnavailableException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		KratosUnavailableException(String detail) {
			super(detail, null, false, false);
		}

	}

}
