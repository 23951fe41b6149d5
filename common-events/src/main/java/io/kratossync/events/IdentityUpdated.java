package io.kratossync.events;

import java.time.Instant;
import java.util.Objects;

/**
 * The traits, schema or public metadata of an identity changed in Kratos's database, by
 * any path: an administrator's {@code PUT} or {@code PATCH /admin/identities/{id}} (which
 * fires no hook) or a settings flow (which also fires its hook). Seen by change data
 * capture; a write that only moved {@code updated_at} is not an update.
 *
 * @param identityId the identity
 * @param updatedAt Kratos's {@code updated_at} of the identity after the change
 * @param profile the profile after the change
 */
public record IdentityUpdated(IdentityId identityId, Instant updatedAt, Profile profile) implements IdentityEvent {

	public IdentityUpdated {
		Objects.requireNonNull(identityId, "identity_id");
		Objects.requireNonNull(updatedAt, "updated_at");
		Objects.requireNonNull(profile, "profile");
	}

	@Override
	public Instant occurredAt() {
		return this.updatedAt;
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.identityUpdated(this);
	}

}
