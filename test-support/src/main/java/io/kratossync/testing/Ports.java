package io.kratossync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * Loopback ports for tests.
 */
public final class Ports {

	private Ports() {
	}

	/**
	 * @return a loopback port on which nothing listens (it was free a moment ago):
	 * connections are refused
	 */
	public static int closed() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
