package io.kratossync.events;

import java.time.Instant;
import java.util.Objects;

/**
 * A new identity registered (Kratos registration flow, any method; a first social sign-in
 * is a registration).
 *
 * @param identityId the identity
 * @param registeredAt when the identity was created
 * @param method the registration method: {@code password}, {@code oidc},
 * {@code webauthn}, {@code passkey}, {@code code}
 * @param profile what the application keeps of the identity
 */
public record Registered(IdentityId identityId, Instant registeredAt, String method,
		Profile profile) implements IdentityEvent {

	public Registered {
		Objects.requireNonNull(identityId, "identity_id");
		Objects.requireNonNull(registeredAt, "registered_at");
		Objects.requireNonNull(method, "method");
		Objects.requireNonNull(profile, "profile");
	}

	@Override
	public Instant occurredAt() {
		return this.registeredAt;
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.registered(this);
	}

}
