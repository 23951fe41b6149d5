package io.kratossync.events;

import java.time.Instant;
import java.util.Objects;

/**
 * The identity was deleted from Kratos ({@code DELETE /admin/identities/{id}}; Kratos
 * fires no hook). Its credentials, addresses and sessions went with it. Kratos never
 * re-uses an identity id, so consumers erase the identity's personal data and keep a
 * tombstone that no other event of the identity, however late, overrides.
 *
 * @param identityId the identity
 * @param deletedAt when the deletion committed (the clock of Kratos's database: Kratos
 * writes no time of its own for a deletion)
 */
public record IdentityDeleted(IdentityId identityId, Instant deletedAt) implements IdentityEvent {

	public IdentityDeleted {
		Objects.requireNonNull(identityId, "identity_id");
		Objects.requireNonNull(deletedAt, "deleted_at");
	}

	@Override
	public Instant occurredAt() {
		return this.deletedAt;
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.identityDeleted(this);
	}

}
