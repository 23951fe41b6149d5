package io.kratossync.events;

import java.time.Instant;
import java.util.Objects;

/**
 * An administrator required the identity to change its password at the next sign-in; its sessions are to be
 * revoked.
 *
 * @param identityId the identity
 * @param requiredAt when the requirement was made
 * @param reason a short free-text reason for the audit trail, or {@code null}
 */
public record PasswordChangeRequired(IdentityId identityId, Instant requiredAt, String reason) implements IdentityEvent {

	/** The longest reason accepted, in characters. */
	public static final int MAX_REASON_LENGTH = 500;

	public PasswordChangeRequired {
		Objects.requireNonNull(identityId, "identity_id");
		Objects.requireNonNull(requiredAt, "required_at");
		if (reason != null && reason.length() > MAX_REASON_LENGTH) {
			throw new IllegalArgumentException("reason is longer than " + MAX_REASON_LENGTH + " characters");
		}
	}

	@Override
	public Instant occurredAt() {
		return this.requiredAt;
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.passwordChangeRequired(this);
	}

}
