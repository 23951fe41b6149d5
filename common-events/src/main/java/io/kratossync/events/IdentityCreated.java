package io.kratossync.events;

import java.time.Instant;
import java.util.Objects;

/**
 * An identity was created in Kratos's database, by any path: a self-service registration
 * (which also fires a registration hook), an administrator's {@code POST
 * /admin/identities} or an import (which fire none). Seen by change data capture.
 *
 * @param identityId the identity
 * @param createdAt Kratos's {@code created_at} of the identity
 * @param profile what the application keeps of the identity
 */
public record IdentityCreated(IdentityId identityId, Instant createdAt, Profile profile) implements IdentityEvent {

	public IdentityCreated {
		Objects.requireNonNull(identityId, "identity_id");
		Objects.requireNonNull(createdAt, "created_at");
		Objects.requireNonNull(profile, "profile");
	}

	@Override
	public Instant occurredAt() {
		return this.createdAt;
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.identityCreated(this);
	}

}
