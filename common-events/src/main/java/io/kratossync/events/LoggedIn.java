package io.kratossync.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The identity signed in (Kratos login flow, any method, including a second factor).
 *
 * @param identityId the identity
 * @param loggedInAt when it authenticated
 * @param method the login method: {@code password}, {@code oidc}, {@code code},
 * {@code totp}, ...
 * @param sessionId the session, or {@code null} when Kratos had not saved it yet (it
 * passes the zero UUID for a new session)
 * @param aal the authenticator assurance level ({@code aal1}, {@code aal2}), or
 * {@code null}
 */
public record LoggedIn(IdentityId identityId, Instant loggedInAt, String method, UUID sessionId,
		String aal) implements IdentityEvent {

	public LoggedIn {
		Objects.requireNonNull(identityId, "identity_id");
		Objects.requireNonNull(loggedInAt, "logged_in_at");
		Objects.requireNonNull(method, "method");
	}

	@Override
	public Instant occurredAt() {
		return this.loggedInAt;
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.loggedIn(this);
	}

}
