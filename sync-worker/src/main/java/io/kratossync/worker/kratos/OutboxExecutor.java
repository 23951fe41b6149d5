package io.kratossync.worker.kratos;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import io.kratossync.support.Causes;
import io.kratossync.support.FailureDigest;
import io.kratossync.worker.kratos.KratosActions.Claimed;
import io.kratossync.worker.system.WorkerProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * Works off the outbox: claims due actions, calls Kratos, and records the result. A
 * failed call is retried with jittered exponential back-off up to a cap; a circuit
 * breaker stops calling a Kratos that keeps failing and lets a trial call through after a
 * while. Nothing is dropped: an action that keeps failing past {@code give-up-after} is
 * marked failed, counted, and logged at ERROR for an operator. Revocation is idempotent
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

	private final Duration worstCall;

	private final IntervalFunction intervals;

	/**
	 * Kratos away: the first failed call of each kind at once, then a summary a minute.
	 */
	private final FailureDigest retries = new FailureDigest("failed revocations", Duration.ofMinutes(1),
			System::nanoTime, log::warn);

	/** The database away: every poll fails; one line, then a summary a minute. */
	private final FailureDigest databaseDown = new FailureDigest("failed outbox polls", Duration.ofMinutes(1),
			System::nanoTime, log::warn);

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
		this.worstCall = worstCall(properties.kratos());
		this.intervals = IntervalFunction.ofExponentialRandomBackoff(this.settings.initialBackoff(), 2.0, 0.5,
				this.settings.maxBackoff());
		if (this.settings.lease().compareTo(this.worstCall.multipliedBy(2)) < 0) {
			throw new IllegalStateException(
					"Refusing to start: the outbox lease (kratos-sync.worker.outbox.lease = " + this.settings.lease()
							+ ") must be at least twice the longest Kratos call (KRATOS_CONNECT_TIMEOUT + "
							+ "KRATOS_READ_TIMEOUT = " + this.worstCall
							+ "), or another worker could call again while a call " + "is still in flight");
		}
	}

	/**
	 * The longest one Kratos call can take: connect, then read. A lease must cover every
	 * call of its claim.
	 * @param kratos the Kratos client settings
	 * @return the duration
	 */
	static Duration worstCall(WorkerProperties.Kratos kratos) {
		return kratos.connectTimeout().plus(kratos.readTimeout());
	}

	/**
	 * How many actions one claim takes: no more than its lease covers at the worst case
	 * of each call, with the first half of the lease as margin.
	 * @return the claim size, at least 1
	 */
	int claimSize() {
		long fits = this.settings.lease().dividedBy(2).toMillis() / Math.max(1, this.worstCall.toMillis());
		return (int) Math.max(1, Math.min(this.settings.batchSize(), fits));
	}

	@Scheduled(fixedDelayString = "${kratos-sync.worker.outbox.poll-interval:500ms}")
	void runDue() {
		try {
			runDueActions();
		}
		catch (DataAccessException | TransactionException ex) {
			// the database is away: the actions wait in it, and the next poll tries again
			this.databaseDown.failed("database unavailable", "The outbox cannot be read or written ("
					+ Causes.describeRoot(ex) + "); Kratos calls wait until the database is back");
		}
	}

	private void runDueActions() {
		int size = claimSize();
		for (KratosActions.Skipped skipped : this.actions.skipSuperseded()) {
			log.info("Did not revoke the sessions of identity {} for event {}: the requirement was satisfied or "
					+ "replaced before its turn came", skipped.identityId(), skipped.eventId());
			this.meters.counter("kratos_sync_outbox_skipped", "action", "revoke_sessions").increment();
		}
		List<Claimed> claimed;
		do {
			if (!this.breaker.tryAcquirePermission()) {
				return;
			}
			Instant leaseUntil = this.clock.instant().plus(this.settings.lease());
			claimed = this.actions.claimDue(size, leaseUntil, UUID.randomUUID());
			if (claimed.isEmpty()) {
				this.breaker.releasePermission();
				return;
			}
			for (int i = 0; i < claimed.size(); i++) {
				Claimed action = claimed.get(i);
				if (this.clock.instant().plus(this.worstCall).isAfter(leaseUntil)) {
					// the lease could not cover this call any more: give it back rather
					// than call without it
					this.actions.release(action, this.clock.instant());
					continue;
				}
				if (i > 0 && !this.breaker.tryAcquirePermission()) {
					this.actions.release(action, this.clock.instant().plus(this.settings.breakerOpenFor()));
					continue;
				}
				run(action);
			}
		}
		while (claimed.size() == size);
	}

	private void run(Claimed action) {
		long start = System.nanoTime();
		KratosAdminClient.Outcome outcome = this.kratos.revokeSessions(action.identityId());
		long took = System.nanoTime() - start;
		Timer.builder("kratos_sync_kratos_calls")
			.tag("operation", "revoke_sessions")
			.tag("outcome", outcome.result().name().toLowerCase(Locale.ROOT))
			.register(this.meters)
			.record(took, TimeUnit.NANOSECONDS);
		switch (outcome.result()) {
			case DONE -> {
				this.breaker.onSuccess(took, TimeUnit.NANOSECONDS);
				this.credentials.accepted();
				record(action, this.actions.done(action), "done");
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
	 * Schedules the next attempt after the back-off, or after {@code atLeast} when that
	 * is longer (Kratos's {@code Retry-After}, or the longest back-off while Kratos
	 * refuses our credentials).
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
		record(action, this.actions.retryAt(action, now.plus(wait), detail), "retry");
		this.retries.failed(detail,
				String.format(
						"Kratos Admin API at %s did not revoke sessions of identity %s for event %s (%s); the "
								+ "revocation waits in the outbox, attempt %d failed, next in %d ms",
						this.adminUrl, action.identityId(), action.eventId(), detail, action.attempts(),
						wait.toMillis()));
	}

	/**
	 * Says so when an outcome was not recorded: the lease went to another executor, whose
	 * outcome stands.
	 */
	private static void record(Claimed action, boolean recorded, String outcome) {
		if (!recorded) {
			log.warn("Lost the lease of the action for event {} (another executor took it over); its outcome '{}' "
					+ "was not recorded", action.eventId(), outcome);
		}
	}

	private void fail(Claimed action, String detail, String why) {
		record(action, this.actions.failed(action, detail), "failed");
		this.meters.counter("kratos_sync_outbox_failed", "action", action.action()).increment();
		log.error(
				"{}: revoking sessions of identity {} for event {} failed ({}); marked failed, "
						+ "revoke them by hand with DELETE /admin/identities/{}/sessions",
				why, action.identityId(), action.eventId(), detail, action.identityId());
	}

	/**
	 * Exponential back-off, doubling from the initial wait up to the longest, each wait
	 * drawn at random within half of it either side so that actions that failed together
	 * do not come back together.
	 */
	Duration backoff(int attempts) {
		return Duration.ofMillis(this.intervals.apply(Math.max(1, attempts)));
	}

	/** A failed call, as the circuit breaker records it. */
	static final class KratosUnavailableException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		KratosUnavailableException(String detail) {
			super(detail, null, false, false);
		}

	}

}
