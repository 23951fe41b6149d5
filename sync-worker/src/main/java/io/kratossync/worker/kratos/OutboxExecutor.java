package io.kratossync.worker.kratos;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.kratossync.worker.kratos.KratosActions.Claimed;
import io.kratossync.worker.system.WorkerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Works off the outbox: claims due actions, calls Kratos, and records the result. A failed call is retried with
 * jittered exponential back-off up to a cap; nothing is dropped: an action that keeps failing past
 * {@code give-up-after} is marked failed and logged at ERROR for an operator. Revocation is idempotent in
 * Kratos (404 after a success), so running an action twice is harmless.
 */
@Component
class OutboxExecutor {

	private static final Logger log = LoggerFactory.getLogger(OutboxExecutor.class);

	private final KratosActions actions;

	private final KratosAdminClient kratos;

	private final WorkerProperties.Outbox settings;

	private final String adminUrl;

	private final Clock clock;

	OutboxExecutor(KratosActions actions, KratosAdminClient kratos, WorkerProperties properties, Clock clock) {
		this.actions = actions;
		this.kratos = kratos;
		this.settings = properties.outbox();
		this.adminUrl = properties.kratos().adminUrl().toString();
		this.clock = clock;
	}

	@Scheduled(fixedDelayString = "${kratos-sync.worker.outbox.poll-interval:500ms}")
	void runDue() {
		List<Claimed> claimed;
		do {
			claimed = this.actions.claimDue(this.settings.batchSize(), this.clock.instant().plus(this.settings.lease()));
			claimed.forEach(this::run);
		}
		while (claimed.size() == this.settings.batchSize());
	}

	private void run(Claimed action) {
		KratosAdminClient.Outcome outcome = this.kratos.revokeSessions(action.identityId());
		switch (outcome.result()) {
			case DONE -> {
				this.actions.done(action.id());
				log.info("Revoked all sessions of identity {} for event {} ({}, attempt {})", action.identityId(),
						action.eventId(), outcome.detail(), action.attempts());
			}
			case REJECTED -> {
				this.actions.failed(action.id(), outcome.detail());
				log.error("Kratos rejected the revocation of sessions of identity {} for event {}: {}; marked failed",
						action.identityId(), action.eventId(), outcome.detail());
			}
			case RETRY -> retryLater(action, outcome.detail());
		}
	}

	private void retryLater(Claimed action, String detail) {
		Instant now = this.clock.instant();
		if (action.createdAt().plus(this.settings.giveUpAfter()).isBefore(now)) {
			this.actions.failed(action.id(), detail);
			log.error("Gave up revoking sessions of identity {} for event {} after {} attempts since {}: {}; "
					+ "marked failed, revoke them by hand (DELETE /admin/identities/{}/sessions)", action.identityId(),
					action.eventId(), action.attempts(), action.createdAt(), detail, action.identityId());
			return;
		}
		Duration wait = backoff(action.attempts());
		this.actions.retryAt(action.id(), now.plus(wait), detail);
		log.warn("Kratos Admin API at {} did not revoke sessions of identity {} for event {} ({}); "
				+ "the revocation waits in the outbox, attempt {} failed, next in {} ms", this.adminUrl,
				action.identityId(), action.eventId(), detail, action.attempts(), wait.toMillis());
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

}
