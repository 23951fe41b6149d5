package io.kratossync.events;

import java.time.Instant;
import java.util.Objects;

/**
 * An address of the identity was verified (Kratos verification flow).
 *
 * @param identityId the identity
 * @param verifiedAt when it was verified
 * @param address the verified address
 * @param via {@code email} or {@code sms}
 */
public record AddressVerified(IdentityId identityId, Instant verifiedAt, String address,
		String via) implements IdentityEvent {

	public AddressVerified {
		Objects.requireNonNull(identityId, "identity_id");
		Objects.requireNonNull(verifiedAt, "verified_at");
		Objects.requireNonNull(address, "address");
		Objects.requireNonNull(via, "via");
		if (address.length() > Profile.MAX_LENGTH) {
			throw new IllegalArgumentException("address is longer than " + Profile.MAX_LENGTH + " characters");
		}
	}

	@Override
	public Instant occurredAt() {
		return this.verifiedAt;
	}

	@Override
	public <R> R accept(Visitor<R> visitor) {
		return visitor.addressVerified(this);
	}

}
