package io.kratossync.local;

import java.io.IOException;
import java.net.ServerSocket;

/**
 * Small helpers of the local runs (stack, soak, benchmarks): free loopback ports,
 * settings from the environment, waiting.
 */
final class Machine {

	private Machine() {
	}

	/**
	 * @return a loopback port that was free a moment ago
	 */
	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * An environment variable, or a default when it is unset or blank.
	 * @param name the variable
	 * @param fallback the default
	 * @return the value
	 */
	static String env(String name, String fallback) {
		String value = System.getenv(name);
		return (value == null || value.isBlank()) ? fallback : value;
	}

	/** Waits, giving up quietly when interrupted (the run is ending). */
	static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
