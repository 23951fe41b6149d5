package io.kratossync.events;

import java.time.Instant;
import java.util.Objects;

/**
 * An administrator required the identity to change its password at the next sign-in; its
 * sessions are to be revoked.
 *
 * @param identityId the identity
 * @param requiredAt when the requirement was made (hook-ingest's clock; for display, no
 * fence compares it)
 * @param reason a short free-text reason for the audit trail, or {@code null}
 * @param passwordSetAt Kratos's own time of the identity's password credential when the
 * requirement was made (its {@code updated_at}; the identity's {@code created_at} when it
 * has no password): a password change that Kratos made later satisfies the requirement.
 * {@code null} in events published before this field existed, which are decided against
 * {@code requiredAt}
 */
public record PasswordChangeRequired(IdentityId identityId, Instant requiredAt, String reason,
		Instant passwordSetAt) implements IdentityEvent {

	/** The longest reason accepted, in characters. */
	public static final int MAX_REASON_LENGTH = 500;

	public PasswordChangeRequired {
		Objects.requireNonNull(identityId, "identity_id");
		Objects.requireNonNull(requiredAt, "required_at");
		if (reason != null && reason.length() > MAX_REASON_LENGTH) {
			throw new IllegalArgumentException("reason is longer than " + MAX_REASON_LENGTH + " characters");
		}
	}

	/**
	 * A requirement without {@code password_set_at}, as published before the field
	 * existed.
	 * @param identityId the identity
	 * @param requiredAt when the requirement was made
	 * @param reason the reason, or {@code null}
	 */
	public PasswordChangeRequired(IdentityId identityId, Instant requiredAt, String reason) {
		this(identityId, requiredAt, reason, null);
	}

	/**
	 * The Kratos time a later password change must beat: {@link #passwordSetAt()}, or for
	 * an event published before it existed, {@link #requiredAt()}.
	 * @return the time
	 */
	public Instant passwordSetAtOrLegacy() {
		return (this.passwordSetAt != null) ? this.passwordSetAt : this.requiredAt;
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
