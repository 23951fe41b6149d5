package io.kratossync.worker.kratos;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import io.kratossync.events.IdentityId;
import io.kratossync.worker.apply.RecordPosition;
import io.kratossync.worker.apply.SessionRevocations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The outbox of Kratos Admin API calls ({@code kratos_actions}). An action is written in
 * the transaction of the state change that needs it, so it exists if and only if the
 * change committed; the {@link OutboxExecutor} runs it afterwards. A claim leases actions
 * to one executor under a token of its own: only the holder of the token records an
 * outcome, so an executor whose lease ran out can no longer overwrite what another one
 * did.
 */
@Repository
class KratosActions implements SessionRevocations {

	private static final Logger log = LoggerFactory.getLogger(KratosActions.class);

	/** An action claimed for execution under a lease token. */
	record Claimed(long id, String action, UUID identityId, UUID eventId, int attempts, Instant createdAt,
			UUID leaseToken) {
	}

	private final JdbcClient jdbc;

	KratosActions(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Queues "revoke all sessions of the identity". One event queues it at most once. It
	 * becomes due once the partition of the event has been applied up to
	 * {@code dueOffset}, the end the partition had when the event was applied: catching
	 * up with history first applies what came after it, which may satisfy the
	 * requirement.
	 * @param identityId the identity
	 * @param eventId the event that requires it
	 * @param source where the event was read
	 * @param dueOffset the offset of its partition that must be applied before it runs
	 */
	@Override
	@Transactional(propagation = Propagation.MANDATORY)
	public void revokeSessions(IdentityId identityId, UUID eventId, RecordPosition source, long dueOffset,
			Cause cause) {
		this.jdbc
			.sql("""
					INSERT INTO kratos_actions (action, identity_id, event_id, source_topic, partition_no, due_offset, cause)
					VALUES ('revoke_sessions', ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, action) DO NOTHING""")
			.params(identityId.value(), eventId, source.topic(), source.partition(), dueOffset, cause.column())
			.update();
		log.debug("Queued revocation of all sessions of identity {} for event {}, due once {}-{} is applied up to {}",
				identityId, eventId, source.topic(), source.partition(), dueOffset);
	}

	/**
	 * Claims due actions: each gets this claim's lease token and stays hidden from every
	 * other executor until {@code leaseUntil}; if this one dies mid-call, the action is
	 * due again after the lease. Due: its time has come, and its partition has been
	 * applied up to its due offset.
	 * @param limit the most to claim
	 * @param leaseUntil until when they are hidden
	 * @param token this claim's lease token
	 * @return the claimed actions
	 */
	@Transactional
	List<Claimed> claimDue(int limit, Instant leaseUntil, UUID token) {
		return this.jdbc.sql("""
				UPDATE kratos_actions SET next_attempt_at = :lease, attempts = attempts + 1, lease_token = :token
				 WHERE id IN (SELECT a.id FROM kratos_actions a
				               WHERE a.status = 'pending' AND a.next_attempt_at <= now()
				                 AND (a.due_offset IS NULL OR a.due_offset <= (
				                      SELECT o.next_offset FROM consumer_offsets o
				                       WHERE o.topic = a.source_topic AND o.partition_no = a.partition_no))
				               ORDER BY a.next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED)
				RETURNING id, action, identity_id, event_id, attempts, created_at""")
			.param("lease", utc(leaseUntil))
			.param("limit", limit)
			.param("token", token)
			.query((rs, n) -> new Claimed(rs.getLong("id"), rs.getString("action"),
					rs.getObject("identity_id", UUID.class), rs.getObject("event_id", UUID.class),
					rs.getInt("attempts"), rs.getObject("created_at", OffsetDateTime.class).toInstant(), token))
			.list();
	}

	/** An action not run because its requirement was no longer in force. */
	record Skipped(UUID identityId, UUID eventId) {
	}

	/**
	 * Marks skipped every due revocation whose cause is no longer in force: a later
	 * password change satisfied its requirement, or a newer requirement (with a
	 * revocation of its own) replaced it; or the identity deactivated is active again (or
	 * deleted, which took its sessions with it). Catching up with history, this is why a
	 * requirement satisfied later in the topic never logs anyone out. (Actions queued
	 * before due offsets existed have none, and run as they were queued.)
	 * @return what was skipped
	 */
	@Transactional
	List<Skipped> skipSuperseded() {
		return this.jdbc.sql("""
				UPDATE kratos_actions a SET status = 'skipped', completed_at = now(),
				       last_error = 'the requirement was satisfied or replaced before it ran'
				 WHERE a.status = 'pending' AND a.action = 'revoke_sessions'
				   AND (a.lease_token IS NULL OR a.next_attempt_at <= now())
				   AND a.due_offset <= (SELECT o.next_offset FROM consumer_offsets o
				                         WHERE o.topic = a.source_topic AND o.partition_no = a.partition_no)
				   AND NOT EXISTS (SELECT 1 FROM user_settings s WHERE s.identity_id = a.identity_id
				                      AND ((a.cause = 'password_change_required' AND s.force_password_change
				                            AND s.password_change_event_id = a.event_id)
				                        OR (a.cause = 'deactivated' AND s.state = 'inactive')))
				RETURNING a.identity_id, a.event_id""")
			.query((rs, n) -> new Skipped(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)))
			.list();
	}

	/**
	 * @return whether the outcome was recorded (false: the lease was lost to another
	 * executor)
	 */
	boolean done(Claimed action) {
		return outcome(action, "status = 'done', completed_at = now(), last_error = NULL", null);
	}

	/**
	 * @return whether the outcome was recorded (false: the lease was lost to another
	 * executor)
	 */
	boolean retryAt(Claimed action, Instant next, String error) {
		return this.jdbc.sql("""
				UPDATE kratos_actions SET next_attempt_at = ?, last_error = ?, lease_token = NULL
				 WHERE id = ? AND lease_token = ? AND status = 'pending'""")
			.params(utc(next), truncate(error), action.id(), action.leaseToken())
			.update() == 1;
	}

	/**
	 * @return whether the outcome was recorded (false: the lease was lost to another
	 * executor)
	 */
	boolean failed(Claimed action, String error) {
		return outcome(action, "status = 'failed', completed_at = now(), last_error = ?", truncate(error));
	}

	/**
	 * Gives a claimed action back without counting an attempt (the circuit breaker
	 * refused the call, or the lease could not cover it).
	 * @param action the action
	 * @param next when it is due again
	 * @return whether it was given back
	 */
	boolean release(Claimed action, Instant next) {
		return this.jdbc.sql("""
				UPDATE kratos_actions SET next_attempt_at = ?, attempts = attempts - 1, lease_token = NULL
				 WHERE id = ? AND lease_token = ? AND status = 'pending'""")
			.params(utc(next), action.id(), action.leaseToken())
			.update() == 1;
	}

	private boolean outcome(Claimed action, String set, String error) {
		var statement = this.jdbc.sql("UPDATE kratos_actions SET " + set + ", lease_token = NULL"
				+ " WHERE id = ? AND lease_token = ? AND status = 'pending'");
		int updated = (error != null) ? statement.params(error, action.id(), action.leaseToken()).update()
				: statement.params(action.id(), action.leaseToken()).update();
		return updated == 1;
	}

	/**
	 * @return how long the oldest waiting action has waited, if any waits
	 */
	public Optional<Duration> oldestPendingAge() {
		return this.jdbc.sql("SELECT min(created_at) FROM kratos_actions WHERE status = 'pending'")
			.query((rs, n) -> rs.getObject(1, OffsetDateTime.class))
			.optional()
			.filter(Objects::nonNull)
			.map((oldest) -> Duration.between(oldest.toInstant(), Instant.now()));
	}

	/**
	 * @return the number of actions waiting to run
	 */
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
