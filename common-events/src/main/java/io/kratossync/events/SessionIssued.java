package io.kratossync.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Kratos stored a new session for the identity (a login, a registration, a recovery). For
 * downstream consumers; the session token never leaves Kratos. Seen by change data
 * capture.
 *
 * @param identityId the identity
 * @param issuedAt Kratos's {@code issued_at} of the session
 * @param sessionId the session
 * @param aal its authenticator assurance level ({@code aal1}, {@code aal2}), or
 * {@code null}
 * @param methods the authentication methods of the session, e.g. {@code password}
 * @param expiresAt when it expires, or {@code null}
 */
public record SessionIssued(IdentityId identityId, Instant issuedAt, UUID sessionId, String aal, List<String> methods,
		Instant expiresAt) implements IdentityEvent {

	public SessionIssued {
		Objects.requireNonNull(identityId, "identity_id");
		Objects.requireNonNull(issuedAt, "issued_at");
		Objects.requireNonNull(sessionId, "session_id");
		methods = (methods != null) ? List.copyOf(methods) : List.of();
	}

	@Override
	public Instant occurredAt() {
		return this.issuedAt;
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.sessionIssued(this);
	}

}
