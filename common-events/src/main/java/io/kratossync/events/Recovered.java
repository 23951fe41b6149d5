package io.kratossync.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The identity recovered its account (Kratos recovery flow).
 *
 * @param identityId the identity
 * @param recoveredAt when the recovery completed
 * @param flowId the recovery flow, or {@code null}
 */
public record Recovered(IdentityId identityId, Instant recoveredAt, UUID flowId) implements IdentityEvent {

	public Recovered {
		Objects.requireNonNull(identityId, "identity_id");
		Objects.requireNonNull(recoveredAt, "recovered_at");
	}

	@Override
	public Instant occurredAt() {
		return this.recoveredAt;
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.recovered(this);
	}

}
