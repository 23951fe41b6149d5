package io.kratossync.worker.kratos;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import io.kratossync.events.IdentityId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The outbox of Kratos Admin API calls ({@code kratos_actions}). An action is written in the transaction of the
 * state change that needs it, so it exists if and only if the change committed; the {@link OutboxExecutor}
 * runs it afterwards.
 */
@Repository
public class KratosActions {

	private static final Logger log = LoggerFactory.getLogger(KratosActions.class);

	/** An action claimed for execution. */
	record Claimed(long id, String action, UUID identityId, UUID eventId, int attempts, Instant createdAt) {
	}

	private final JdbcClient jdbc;

	KratosActions(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Queues "revoke all sessions of the identity". One event queues it at most once.
	 * @param identityId the identity
	 * @param eventId the event that requires it
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void revokeSessions(IdentityId identityId, UUID eventId) {
		this.jdbc.sql("""
				INSERT INTO kratos_actions (action, identity_id, event_id) VALUES ('revoke_sessions', ?, ?)
				ON CONFLICT (event_id, action) DO NOTHING""").params(identityId.value(), eventId).update();
		log.info("Queued revocation of all sessions of identity {} for event {}", identityId, eventId);
	}

	/**
	 * Claims due actions: they stay hidden from every other executor until {@code leaseUntil}, so several
	 * executors can work the same table; if this one dies mid-call, the action is due again after the lease.
	 * @param limit the most to claim
	 * @param leaseUntil until when they are hidden
	 * @return the claimed actions
	 */
	@Transactional
	List<Claimed> claimDue(int limit, Instant leaseUntil) {
		return this.jdbc.sql("""
				UPDATE kratos_actions SET next_attempt_at = :lease, attempts = attempts + 1
				 WHERE id IN (SELECT id FROM kratos_actions
				               WHERE status = 'pending' AND next_attempt_at <= now()
				               ORDER BY next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED)
				RETURNING id, action, identity_id, event_id, attempts, created_at""")
			.param("lease", utc(leaseUntil))
			.param("limit", limit)
			.query((rs, n) -> new Claimed(rs.getLong("id"), rs.getString("action"),
					rs.getObject("identity_id", UUID.class), rs.getObject("event_id", UUID.class), rs.getInt("attempts"),
					rs.getObject("created_at", OffsetDateTime.class).toInstant()))
			.list();
	}

	void done(long id) {
		this.jdbc.sql("UPDATE kratos_actions SET status = 'done', completed_at = now(), last_error = NULL WHERE id = ?")
			.param(id)
			.update();
	}

	void retryAt(long id, Instant next, String error) {
		this.jdbc.sql("UPDATE kratos_actions SET next_attempt_at = ?, last_error = ? WHERE id = ?")
			.params(utc(next), truncate(error), id)
			.update();
	}

	void failed(long id, String error) {
		this.jdbc.sql("UPDATE kratos_actions SET status = 'failed', completed_at = now(), last_error = ? WHERE id = ?")
			.params(truncate(error), id)
			.update();
	}

	/**
	 * Gives a claimed action back without counting an attempt (the circuit breaker refused the call).
	 * @param id the action
	 * @param next when it is due again
	 */
	void release(long id, Instant next) {
		this.jdbc.sql("UPDATE kratos_actions SET next_attempt_at = ?, attempts = attempts - 1 WHERE id = ?")
			.params(utc(next), id)
			.update();
	}

	/** @return how long the oldest waiting action has waited, if any waits */
	public java.util.Optional<java.time.Duration> oldestPendingAge() {
		return this.jdbc.sql("SELECT min(created_at) FROM kratos_actions WHERE status = 'pending'")
			.query((rs, n) -> rs.getObject(1, OffsetDateTime.class))
			.optional()
			.filter(java.util.Objects::nonNull)
			.map((oldest) -> java.time.Duration.between(oldest.toInstant(), Instant.now()));
	}

	/** @return the number of actions waiting to run */
	public long pendingCount() {
		return this.jdbc.sql("SELECT count(*) FROM kratos_actions WHERE status = 'pending'").query(Long.class).single();
	}

	private static OffsetDateTime utc(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	private static String truncate(String text) {
		return (text == null || text.length() <= 1000) ? text : text.substring(0, 1000);
	}

}
