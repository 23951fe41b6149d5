package io.kratossync.events;

import java.time.Instant;
import java.util.Objects;

/**
 * A second factor was set up, changed or removed (Kratos settings flow, totp, webauthn,
 * passkey or lookup_secret method). Kratos's hook context carries no credentials, so the
 * event says which method changed, not whether it is now on or off.
 *
 * @param identityId the identity
 * @param changedAt when the change was saved
 * @param method {@code totp}, {@code webauthn}, {@code passkey} or {@code lookup_secret}
 */
public record SecondFactorChanged(IdentityId identityId, Instant changedAt, String method) implements IdentityEvent {

	public SecondFactorChanged {
		Objects.requireNonNull(identityId, "identity_id");
		Objects.requireNonNull(changedAt, "changed_at");
		Objects.requireNonNull(method, "method");
	}

	@Override
	public Instant occurredAt() {
		return this.changedAt;
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.secondFactorChanged(this);
	}

}
