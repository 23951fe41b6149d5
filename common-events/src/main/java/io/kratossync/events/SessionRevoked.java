package io.kratossync.events;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A session of the identity stopped being usable before it expired. For downstream
 * consumers. Seen by change data capture.
 *
 * @param identityId the identity
 * @param revokedAt when the change committed (the clock of Kratos's database: Kratos
 * writes no time of its own for a revocation)
 * @param sessionId the session
 * @param reason {@code deactivated}: the session row was set inactive (a logout,
 * {@code DELETE /admin/sessions/{id}}, the {@code revoke_active_sessions} hook; Kratos's
 * database does not tell these apart); {@code deleted}: the row was deleted before it
 * expired ({@code DELETE /admin/identities/{id}/sessions})
 */
public record SessionRevoked(IdentityId identityId, Instant revokedAt, UUID sessionId,
		String reason) implements IdentityEvent {

	private static final Set<String> REASONS = Set.of("deactivated", "deleted");

	public SessionRevoked {
		Objects.requireNonNull(identityId, "identity_id");
		Objects.requireNonNull(revokedAt, "revoked_at");
		Objects.requireNonNull(sessionId, "session_id");
		Objects.requireNonNull(reason, "reason");
		if (!REASONS.contains(reason)) {
			throw new IllegalArgumentException("reason must be deactivated or deleted");
		}
	}

	@Override
	public Instant occurredAt() {
		return this.revokedAt;
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.sessionRevoked(this);
	}

}
