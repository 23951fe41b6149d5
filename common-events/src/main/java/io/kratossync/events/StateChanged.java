package io.kratossync.events;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * The identity's state changed in Kratos ({@code active} or {@code inactive}), typically
 * an administrator deactivating an account. Kratos fires no hook for it and does not
 * revoke the identity's sessions (they stop working because Kratos checks the state).
 * Seen by change data capture.
 *
 * @param identityId the identity
 * @param changedAt Kratos's {@code updated_at} of the identity after the change
 * @param state the new state: {@code active} or {@code inactive}
 */
public record StateChanged(IdentityId identityId, Instant changedAt, String state) implements IdentityEvent {

	private static final Set<String> STATES = Set.of("active", "inactive");

	public StateChanged {
		Objects.requireNonNull(identityId, "identity_id");
		Objects.requireNonNull(changedAt, "changed_at");
		Objects.requireNonNull(state, "state");
		if (!STATES.contains(state)) {
			throw new IllegalArgumentException("state must be active or inactive");
		}
	}

	/**
	 * @return whether the identity can no longer sign in
	 */
	public boolean deactivated() {
		return "inactive".equals(this.state);
	}

	@Override
	public Instant occurredAt() {
		return this.changedAt;
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.stateChanged(this);
	}

}
