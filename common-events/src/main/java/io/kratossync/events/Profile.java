package io.kratossync.events;

/**
 * The little of an identity that the application keeps: no other traits, no credentials,
 * no metadata.
 *
 * @param schemaId the identity schema id, or {@code null}
 * @param state {@code active} or {@code inactive}, or {@code null} when not known
 * @param email the primary e-mail address (the first verifiable address, else
 * {@code traits.email}), or {@code null}
 * @param emailVerified whether that address is verified, or {@code null} when not known
 */
public record Profile(String schemaId, String state, String email, Boolean emailVerified) {

	/** The longest value accepted in any field. */
	public static final int MAX_LENGTH = 320;

	public Profile {
		check("schema_id", schemaId);
		check("state", state);
		check("email", email);
	}

	private static void check(String field, String value) {
		if (value != null && value.length() > MAX_LENGTH) {
			throw new IllegalArgumentException(field + " is longer than " + MAX_LENGTH + " characters");
		}
	}

}
