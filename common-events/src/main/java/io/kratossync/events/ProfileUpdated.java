package io.kratossync.events;

import java.time.Instant;
import java.util.Objects;

/**
 * The identity's profile changed (Kratos settings flow, profile method; also the oidc
 * method, which links or unlinks a social account and may change traits).
 *
 * @param identityId the identity
 * @param updatedAt when the change was saved
 * @param method the settings method: {@code profile} or {@code oidc}
 * @param profile the profile after the change
 */
public record ProfileUpdated(IdentityId identityId, Instant updatedAt, String method,
		Profile profile) implements IdentityEvent {

	public ProfileUpdated {
		Objects.requireNonNull(identityId, "identity_id");
		Objects.requireNonNull(updatedAt, "updated_at");
		Objects.requireNonNull(method, "method");
		Objects.requireNonNull(profile, "profile");
	}

	@Override
	public Instant occurredAt() {
		return this.updatedAt;
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.profileUpdated(this);
	}

}
