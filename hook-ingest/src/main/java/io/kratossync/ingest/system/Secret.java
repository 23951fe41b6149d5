package io.kratossync.ingest.system;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * A credential from configuration. {@link #toString()} never shows it, so it cannot leak into a log line or a
 * configuration dump; {@link #matches} compares in constant time.
 */
public final class Secret {

	private final byte[] digest;

	private Secret(String value) {
		this.digest = sha256(Objects.requireNonNull(value, "secret"));
	}

	/**
	 * Wraps a configured value (used by configuration binding).
	 * @param value the secret value
	 * @return the secret
	 */
	public static Secret valueOf(String value) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException("a secret must not be blank");
		}
		return new Secret(value);
	}

	/**
	 * Whether the presented value equals this secret. Both sides are hashed first so the comparison takes the
	 * same time whatever the lengths and contents.
	 * @param presented what a caller sent, may be {@code null}
	 * @return whether it matches
	 */
	public boolean matches(String presented) {
		byte[] other = sha256((presented != null) ? presented : "");
		return MessageDigest.isEqual(this.digest, other) & presented != null;
	}

	private static byte[] sha256(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every Java platform", ex);
		}
	}

	@Override
	public String toString() {
		return "******";
	}

}
