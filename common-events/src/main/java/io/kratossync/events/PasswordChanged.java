package io.kratossync.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The identity's password was changed (Kratos settings flow, password method).
 *
 * @param identityId the identity
 * @param changedAt when the password was changed (Kratos's identity {@code updated_at}
 * after the settings flow)
 * @param flowId the Kratos settings flow that changed it, or {@code null} when the hook
 * did not pass it
 */
public record PasswordChanged(IdentityId identityId, Instant changedAt, UUID flowId) implements IdentityEvent {

	public PasswordChanged {
		Objects.requireNonNull(identityId, "identity_id");
		Objects.requireNonNull(changedAt, "changed_at");
	}

	@Override
	public Instant occurredAt() {
		return this.changedAt;
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.passwordChanged(this);
	}

}
