package io.kratossync.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An expired session of the identity was removed from Kratos's database ({@code kratos
 * cleanup sql}). Kratos writes nothing when a session expires, so this arrives when the
 * clean-up runs, not at the expiry. For downstream consumers. Seen by change data
 * capture.
 *
 * @param identityId the identity
 * @param expiredAt the session's {@code expires_at}
 * @param sessionId the session
 */
public record SessionExpired(IdentityId identityId, Instant expiredAt, UUID sessionId) implements IdentityEvent {

	public SessionExpired {
		Objects.requireNonNull(identityId, "identity_id");
		Objects.requireNonNull(expiredAt, "expired_at");
		Objects.requireNonNull(sessionId, "session_id");
	}

	@Override
	public Instant occurredAt() {
		return this.expiredAt;
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.sessionExpired(this);
	}

}
