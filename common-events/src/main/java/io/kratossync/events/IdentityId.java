package io.kratossync.events;

import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The id of a Kratos identity. On the wire it is the plain UUID string; it is also the
 * Kafka record key.
 */
public record IdentityId(UUID value) {

	private static final UUID ZERO = new UUID(0, 0);

	public IdentityId {
		Objects.requireNonNull(value, "identity id");
		if (ZERO.equals(value)) {
			throw new IllegalArgumentException("identity id must not be the all-zero UUID");
		}
	}

	/**
	 * Parses an identity id, refusing anything but a canonical UUID.
	 * @param text the id as text
	 * @return the id
	 * @throws IllegalArgumentException if the text is not a UUID
	 */
	@JsonCreator
	public static IdentityId parse(String text) {
		return new IdentityId(Uuids.parseStrict(text));
	}

	@JsonValue
	@Override
	public String toString() {
		return this.value.toString();
	}

}
