package io.kratossync.testing;

import org.testcontainers.DockerClientFactory;

/**
 * The switch {@code -Dkratos-sync.containers=true}: the integration tests then run on
 * Testcontainers' Kafka and PostgreSQL instead of the in-process broker and the embedded
 * PostgreSQL. Without a Docker engine the switch stops the tests with a message that says
 * so; the default build never needs Docker.
 */
public final class Containers {

	/** The system property that turns the containers on. */
	public static final String SWITCH = "kratos-sync.containers";

	/** The broker image: the version the project's broker runs (STACK.md). */
	static final String KAFKA_IMAGE = "apache/kafka:4.1.0";

	/** The database image: the PostgreSQL of the compose stack. */
	static final String POSTGRES_IMAGE = "postgres:17.6";

	private Containers() {
	}

	/**
	 * @return whether the tests run on containers; stops them when asked for without a
	 * Docker engine
	 * @throws IllegalStateException when the switch is on and no Docker engine answers
	 */
	public static boolean enabled() {
		if (!Boolean.parseBoolean(System.getProperty(SWITCH, "false"))) {
			return false;
		}
		if (!DockerClientFactory.instance().isDockerAvailable()) {
			throw new IllegalStateException("-D" + SWITCH + "=true runs the integration tests on Testcontainers' "
					+ "Kafka and PostgreSQL, and needs a Docker engine: none answered (DOCKER_HOST, "
					+ "/var/run/docker.sock, ~/.testcontainers.properties). Leave the switch out to run them on the "
					+ "in-process broker and the embedded PostgreSQL, which need no Docker.");
		}
		return true;
	}

}
