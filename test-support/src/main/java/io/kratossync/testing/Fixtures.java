package io.kratossync.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Test fixtures kept as files on the class path.
 */
public final class Fixtures {

	private Fixtures() {
	}

	/**
	 * A class-path resource as text.
	 * @param path the resource path, e.g. {@code kratos/settings-after-password.json}
	 * @return its content
	 */
	public static String text(String path) {
		try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(path)) {
			if (in == null) {
				throw new IllegalArgumentException("no fixture " + path + " on the class path");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
