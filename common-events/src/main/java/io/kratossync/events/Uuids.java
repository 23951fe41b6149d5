package io.kratossync.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.UUID;

/**
 * UUID helpers: strict parsing and name-based (version 5) UUIDs for deterministic event
 * ids.
 */
public final class Uuids {

	/**
	 * The namespace of kratos-sync's name-based event ids (fixed forever: changing it
	 * changes every derived id).
	 */
	public static final UUID EVENT_NAMESPACE = UUID.fromString("5b0c4f1e-3c55-4a3e-9f0e-6b7a2d1c9e01");

	private Uuids() {
	}

	/**
	 * Whether the text is {@code xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx} in hex digits of
	 * either case (checked by hand: a regular expression here was a visible part of
	 * decoding every event).
	 * @param text the text, or {@code null}
	 * @return whether it is a canonical UUID
	 */
	static boolean isCanonical(String text) {
		if (text == null || text.length() != 36) {
			return false;
		}
		for (int i = 0; i < 36; i++) {
			char c = text.charAt(i);
			boolean ok = (i == 8 || i == 13 || i == 18 || i == 23) ? c == '-'
					: (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
			if (!ok) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Parses a UUID in its canonical 36-character form only ({@link UUID#fromString}
	 * accepts odd shapes such as {@code 1-1-1-1-1}).
	 * @param text the text
	 * @return the UUID
	 * @throws IllegalArgumentException if the text is not a canonical UUID
	 */
	public static UUID parseStrict(String text) {
		if (!isCanonical(text)) {
			throw new IllegalArgumentException("not a UUID: " + abbreviate(text));
		}
		return UUID.fromString(text);
	}

	/**
	 * A name-based UUID (RFC 9562 version 5, SHA-1) of the given parts in
	 * {@link #EVENT_NAMESPACE}. The parts are joined with a separator that cannot occur
	 * in them unescaped, so distinct part lists give distinct names.
	 * @param parts the parts of the name; nulls count as empty
	 * @return the UUID
	 */
	public static UUID nameBased(String... parts) {
		StringBuilder name = new StringBuilder();
		for (String part : parts) {
			name.append(Objects.toString(part, "").replace("\\", "\\\\").replace("|", "\\|")).append('|');
		}
		return v5(EVENT_NAMESPACE, name.toString().getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * A name-based UUID, version 5 (SHA-1), as RFC 9562 section 5.5 defines it.
	 * @param namespace the namespace
	 * @param name the name, as bytes
	 * @return the UUID
	 */
	public static UUID v5(UUID namespace, byte[] name) {
		try {
			MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
			sha1.update(toBytes(namespace));
			byte[] hash = sha1.digest(name);
			hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
			hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
			long msb = 0;
			long lsb = 0;
			for (int i = 0; i < 8; i++) {
				msb = (msb << 8) | (hash[i] & 0xff);
			}
			for (int i = 8; i < 16; i++) {
				lsb = (lsb << 8) | (hash[i] & 0xff);
			}
			return new UUID(msb, lsb);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is required by every Java platform", ex);
		}
	}

	private static byte[] toBytes(UUID uuid) {
		byte[] bytes = new byte[16];
		long msb = uuid.getMostSignificantBits();
		long lsb = uuid.getLeastSignificantBits();
		for (int i = 0; i < 8; i++) {
			bytes[i] = (byte) (msb >>> (56 - 8 * i));
			bytes[8 + i] = (byte) (lsb >>> (56 - 8 * i));
		}
		return bytes;
	}

	static String abbreviate(String text) {
		if (text == null) {
			return "null";
		}
		return (text.length() <= 64) ? "'" + text + "'" : "'" + text.substring(0, 64) + "...'";
	}

}
