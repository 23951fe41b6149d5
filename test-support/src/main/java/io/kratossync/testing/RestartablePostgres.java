package io.kratossync.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server of a test's own that can be stopped and started again on the same
 * port with the same data, to play a database outage.
 */
public final class RestartablePostgres implements AutoCloseable {

	private final Path dataDirectory;

	private final int port;

	private final boolean logical;

	private EmbeddedPostgres server;

	private RestartablePostgres(Path dataDirectory, int port, boolean logical) {
		this.dataDirectory = dataDirectory;
		this.port = port;
		this.logical = logical;
	}

	/**
	 * Starts a new server on a free port with an empty data directory.
	 * @return the running server
	 */
	public static RestartablePostgres start() {
		return start(false);
	}

	/**
	 * Starts a new server with {@code wal_level=logical}, as change data capture needs.
	 * @return the running server
	 */
	public static RestartablePostgres startLogical() {
		return start(true);
	}

	private static RestartablePostgres start(boolean logical) {
		try {
			int port;
			try (ServerSocket socket = new ServerSocket(0)) {
				port = socket.getLocalPort();
			}
			RestartablePostgres postgres = new RestartablePostgres(Files.createTempDirectory("pg-restartable"), port,
					logical);
			postgres.up();
			return postgres;
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot start PostgreSQL", ex);
		}
	}

	/**
	 * @return the JDBC URL of database {@code postgres} (user and password
	 * {@code postgres})
	 */
	public String jdbcUrl() {
		return jdbcUrl("postgres");
	}

	/**
	 * @param database a database of this server
	 * @return its JDBC URL (user and password {@code postgres})
	 */
	public String jdbcUrl(String database) {
		return "jdbc:postgresql://localhost:" + this.port + "/" + database;
	}

	/** Stops the server; connections fail until {@link #up()}. */
	public synchronized void down() {
		if (this.server != null) {
			try {
				this.server.close();
			}
			catch (IOException ex) {
				throw new IllegalStateException("cannot stop PostgreSQL", ex);
			}
			this.server = null;
		}
	}

	/** Starts the server again, same port, same data. */
	public synchronized void up() {
		if (this.server == null) {
			try {
				EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
					.setDataDirectory(this.dataDirectory)
					.setCleanDataDirectory(false)
					.setPort(this.port);
				if (this.logical) {
					builder.setServerConfig("wal_level", "logical")
						.setServerConfig("max_replication_slots", "10")
						.setServerConfig("max_wal_senders", "10");
				}
				this.server = builder.start();
			}
			catch (IOException ex) {
				throw new IllegalStateException("cannot start PostgreSQL", ex);
			}
		}
	}

	@Override
	public void close() {
		down();
	}

}
