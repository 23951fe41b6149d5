package io.kratossync.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * A credential from configuration. {@link #toString()} never shows it, so it cannot leak
 * into a log line or a configuration dump; {@link #matches} compares in constant time.
 */
public final class Secret {

	private final String value;

	private final byte[] digest;

	private Secret(String value) {
		this.value = Objects.requireNonNull(value, "secret");
		this.digest = sha256(value);
	}

	/**
	 * The secret itself, for the one place that must send it (an {@code Authorization}
	 * header). Never log it.
	 * @return the value
	 */
	public String reveal() {
		return this.value;
	}

	/** No secret configured: matches nothing. */
	public static final Secret NONE = new Secret("");

	/**
	 * Wraps a configured value (used by configuration binding). A blank value is
	 * {@link #NONE}, so an unset environment variable reads as "not configured".
	 * @param value the secret value
	 * @return the secret
	 */
	public static Secret valueOf(String value) {
		if (value == null || value.isBlank()) {
			return NONE;
		}
		return new Secret(value);
	}

	/**
	 * @return whether a value is configured
	 */
	public boolean isPresent() {
		return this != NONE;
	}

	/**
	 * Whether the presented value equals this secret. Both sides are hashed first so the
	 * comparison takes the same time whatever the lengths and contents.
	 * @param presented what a caller sent, may be {@code null}
	 * @return whether it matches
	 */
	public boolean matches(String presented) {
		byte[] other = sha256((presented != null) ? presented : "");
		return MessageDigest.isEqual(this.digest, other) & presented != null & isPresent();
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
