package io.kratossync.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Kratos's own PostgreSQL database (the real v25.4.0 schema, {@code
 * infra/kratos-db/kratos-v25.4.0.postgres.sql}), written to exactly as Kratos writes it
 * for each operation ({@code WRITES.md}): the same tables, columns, statements and
 * transaction boundaries, cascades left to the foreign keys. Secret columns carry
 * {@link #MARKER} so that a test can prove it never leaves Kratos's database.
 */
public final class KratosDatabase {

	/** A string in every session token, logout token and credential config written. */
	public static final String MARKER = "SECRET-MARKER-7f3a";

	/** The seeded id of the {@code password} credential type. */
	public static final String PASSWORD_TYPE = "78c1b41d-8341-4507-aa60-aff1d4369670";

	private static final String NIL = "00000000-0000-0000-0000-000000000000";

	private final String url;

	private final UUID nid = UUID.randomUUID();

	private Instant clock = Instant.now().truncatedTo(ChronoUnit.MICROS);

	private KratosDatabase(String url) {
		this.url = url;
	}

	/**
	 * Creates database {@code name} on the server, loads Kratos's schema and inserts the
	 * network row that {@code kratos serve} inserts on first start.
	 * @param server a server with {@code wal_level=logical}
	 * @param name the database name
	 * @return the database
	 */
	public static KratosDatabase create(RestartablePostgres server, String name) {
		try (Connection admin = DriverManager.getConnection(server.jdbcUrl(), "postgres", "postgres");
				Statement statement = admin.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot create database " + name, ex);
		}
		KratosDatabase db = new KratosDatabase(server.jdbcUrl(name));
		db.load(schemaFile());
		db.run((c) -> {
			try (PreparedStatement insert = c
				.prepareStatement("INSERT INTO networks (id, created_at, updated_at) VALUES (?, ?, ?)")) {
				insert.setObject(1, db.nid);
				insert.setTimestamp(2, db.ts(db.now()));
				insert.setTimestamp(3, db.ts(db.now()));
				insert.executeUpdate();
			}
		});
		return db;
	}

	/**
	 * @return the schema file shipped in the repository, found from the working directory
	 * upwards
	 */
	public static Path schemaFile() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null) {
			Path file = dir.resolve("infra/kratos-db/kratos-v25.4.0.postgres.sql");
			if (Files.exists(file)) {
				return file;
			}
			dir = dir.getParent();
		}
		throw new IllegalStateException(
				"infra/kratos-db/kratos-v25.4.0.postgres.sql not found above the working " + "directory");
	}

	private void load(Path schema) {
		try (Connection c = connect(); Statement statement = c.createStatement()) {
			statement.execute(Files.readString(schema));
		}
		catch (SQLException | IOException ex) {
			throw new IllegalStateException("cannot load Kratos's schema", ex);
		}
	}

	/**
	 * @return the JDBC URL of this database (user and password {@code postgres})
	 */
	public String url() {
		return this.url;
	}

	/**
	 * @return a new connection (the caller closes it)
	 */
	public Connection connect() throws SQLException {
		return DriverManager.getConnection(this.url, "postgres", "postgres");
	}

	/** Work on one connection. */
	@FunctionalInterface
	public interface Work {

		void run(Connection connection) throws SQLException;

	}

	/**
	 * Runs the work in one transaction.
	 * @param work the statements
	 */
	public void transaction(Work work) {
		try (Connection c = connect()) {
			c.setAutoCommit(false);
			work.run(c);
			c.commit();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Runs the work, each statement its own transaction.
	 * @param work the statements
	 */
	public void run(Work work) {
		try (Connection c = connect()) {
			work.run(c);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Kratos's clock: each call a microsecond or more later, like {@code time.Now()}.
	 * @return the time
	 */
	public synchronized Instant now() {
		Instant real = Instant.now().truncatedTo(ChronoUnit.MICROS);
		this.clock = real.isAfter(this.clock) ? real : this.clock.plus(1, ChronoUnit.MICROS);
		return this.clock;
	}

	private Timestamp ts(Instant instant) {
		return Timestamp.valueOf(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
	}

	/** The rows of one identity as tests need them. */
	public record Identity(UUID id, String email, String passwordHash) {
	}

	/**
	 * {@code CreateIdentities} (registration, {@code POST /admin/identities}): one
	 * transaction of identities, verifiable and recovery address, password credential and
	 * its identifier.
	 * @param email the e-mail trait
	 * @param verified whether the address is created verified (an import)
	 * @return the identity
	 */
	public Identity createIdentity(String email, boolean verified) {
		UUID id = UUID.randomUUID();
		String hash = "$2a$12$" + MARKER + UUID.randomUUID();
		Instant at = now();
		transaction((c) -> {
			update(c, """
					INSERT INTO identities (id, nid, schema_id, traits, created_at, updated_at, state, state_changed_at,
					    metadata_public, metadata_admin, available_aal)
					VALUES (?, ?, 'default', ?::jsonb, ?, ?, 'active', ?, NULL, NULL, 'aal1')""", id, this.nid,
					traits(email, null), ts(at), ts(at), ts(at));
			insertAddresses(c, id, email, verified);
			insertPassword(c, id, email, hash, at);
		});
		return new Identity(id, email, hash);
	}

	private void insertAddresses(Connection c, UUID id, String email, boolean verified) throws SQLException {
		Instant at = now();
		update(c, """
				INSERT INTO identity_verifiable_addresses (id, status, via, verified, value, verified_at, identity_id,
				    created_at, updated_at, nid) VALUES (?, ?, 'email', ?, lower(?), ?, ?, ?, ?, ?)""",
				UUID.randomUUID(), verified ? "completed" : "pending", verified, email, verified ? ts(at) : null, id,
				ts(at), ts(at), this.nid);
		update(c, """
				INSERT INTO identity_recovery_addresses (id, via, value, identity_id, created_at, updated_at, nid)
				VALUES (?, 'email', lower(?), ?, ?, ?, ?)""", UUID.randomUUID(), email, id, ts(at), ts(at), this.nid);
	}

	private void insertPassword(Connection c, UUID id, String email, String hash, Instant createdAt)
			throws SQLException {
		UUID credential = UUID.randomUUID();
		Instant at = now();
		update(c, """
				INSERT INTO identity_credentials (id, config, identity_credential_type_id, identity_id, created_at,
				    updated_at, nid, version) VALUES (?, ?::jsonb, ?::uuid, ?, ?, ?, ?, 0)""", credential,
				"{\"hashed_password\":\"" + hash + "\"}", PASSWORD_TYPE, id, ts(createdAt), ts(at), this.nid);
		update(c, """
				INSERT INTO identity_credential_identifiers (id, identifier, identity_credential_id, created_at,
				    updated_at, nid, identity_credential_type_id) VALUES (?, lower(?), ?, ?, ?, ?, ?::uuid)""",
				UUID.randomUUID(), email, credential, ts(at), ts(at), this.nid, PASSWORD_TYPE);
	}

	/**
	 * {@code UpsertSession} of a new session (login, registration): sessions and
	 * session_devices in one transaction.
	 * @param identity the identity
	 * @param lifespan how long until it expires (negative: already expired)
	 * @return the session id
	 */
	public UUID issueSession(UUID identity, java.time.Duration lifespan) {
		UUID session = UUID.randomUUID();
		Instant at = now();
		transaction((c) -> {
			update(c,
					"""
							INSERT INTO sessions (id, issued_at, expires_at, authenticated_at, identity_id, created_at, updated_at,
							    token, active, nid, logout_token, aal, authentication_methods)
							VALUES (?, ?, ?, ?, ?, ?, ?, ?, true, ?, ?, 'aal1', ?::jsonb)""",
					session, ts(at), ts(at.plus(lifespan)), ts(at), identity, ts(at), ts(at),
					"ory_st_" + MARKER + rnd(), this.nid, "ory_lo_" + MARKER + rnd(),
					"[{\"method\":\"password\",\"aal\":\"aal1\",\"completed_at\":\"" + at + "\"}]");
			update(c, """
					INSERT INTO session_devices (id, ip_address, user_agent, location, nid, session_id, created_at,
					    updated_at) VALUES (?, '127.0.0.1', 'Mozilla/5.0', '', ?, ?, ?, ?)""", UUID.randomUUID(),
					this.nid, session, ts(at), ts(at));
		});
		return session;
	}

	/**
	 * @param session a session
	 * @return its token (a secret that must never leave this database)
	 */
	public String token(UUID session) {
		return query("SELECT token FROM sessions WHERE id = '" + session + "'");
	}

	/**
	 * Settings, password method: one transaction rewriting the identities row, deleting
	 * the password credential (its identifiers cascade) and inserting it again with a new
	 * id, the old {@code created_at} and the new hash.
	 * @param identity the identity
	 * @return the identity with its new hash
	 */
	public Identity changePassword(Identity identity) {
		String hash = "$2a$12$" + MARKER + UUID.randomUUID();
		replacePassword(identity, identity.email(), hash, false);
		return new Identity(identity.id(), identity.email(), hash);
	}

	/**
	 * Settings, profile method, changing the e-mail (a login identifier): one transaction
	 * rewriting the identities row with the new traits, deleting and inserting both
	 * addresses, and deleting and re-inserting the password credential with the same
	 * hash.
	 * @param identity the identity
	 * @param email the new e-mail
	 * @return the identity with its new e-mail
	 */
	public Identity changeEmail(Identity identity, String email) {
		replacePassword(identity, email, identity.passwordHash(), true);
		return new Identity(identity.id(), email, identity.passwordHash());
	}

	private void replacePassword(Identity identity, String email, String hash, boolean addresses) {
		Instant at = now();
		transaction((c) -> {
			updateIdentity(c, identity.id(), traits(email, null), null, at);
			if (addresses) {
				update(c, "DELETE FROM identity_recovery_addresses WHERE identity_id = ? AND nid = ?", identity.id(),
						this.nid);
				update(c, "DELETE FROM identity_verifiable_addresses WHERE identity_id = ? AND nid = ?", identity.id(),
						this.nid);
				insertAddresses(c, identity.id(), email, false);
			}
			Timestamp created = timestamp(c,
					"SELECT created_at FROM identity_credentials WHERE identity_id = ? AND identity_credential_type_id = ?::uuid",
					identity.id());
			update(c,
					"DELETE FROM identity_credentials WHERE nid = ? AND id IN (SELECT id FROM identity_credentials "
							+ "WHERE identity_id = ? AND identity_credential_type_id = ?::uuid)",
					this.nid, identity.id(), PASSWORD_TYPE);
			insertPassword(c, identity.id(), email, hash, created.toLocalDateTime().toInstant(ZoneOffset.UTC));
		});
	}

	/**
	 * {@code UpdateIdentity}'s identities UPDATE: every column rewritten,
	 * {@code updated_at} now.
	 * @param state the new state, or {@code null} to keep it
	 */
	private void updateIdentity(Connection c, UUID id, String traits, String state, Instant at) throws SQLException {
		update(c,
				"""
						UPDATE identities SET schema_id = schema_id, traits = COALESCE(?::jsonb, traits),
						    state = COALESCE(?::varchar, state),
						    state_changed_at = CASE WHEN ?::varchar IS NOT NULL AND ?::varchar <> state THEN ?::timestamp ELSE state_changed_at END,
						    metadata_public = metadata_public, metadata_admin = metadata_admin, available_aal = available_aal,
						    external_id = external_id, updated_at = ?::timestamp
						 WHERE id = ? AND nid = ?""",
				traits, state, state, state, ts(at), ts(at), id, this.nid);
	}

	/**
	 * {@code PUT /admin/identities/{id}} with only the traits changed (no identifier):
	 * the identities UPDATE alone.
	 * @param identity the identity
	 * @param name a new {@code name} trait
	 */
	public void adminEditTraits(Identity identity, String name) {
		transaction((c) -> updateIdentity(c, identity.id(), traits(identity.email(), name), null, now()));
	}

	/**
	 * An identities UPDATE that changes nothing but {@code updated_at} (an admin PUT of
	 * the same identity, or {@code RefreshAvailableAAL}).
	 * @param identity the identity
	 */
	public void touch(Identity identity) {
		transaction((c) -> updateIdentity(c, identity.id(), null, null, now()));
	}

	/**
	 * {@code PUT}/{@code PATCH /admin/identities/{id}} with a new state: the identities
	 * UPDATE with {@code state}, {@code state_changed_at} and {@code updated_at};
	 * sessions untouched.
	 * @param identity the identity
	 * @param state {@code active} or {@code inactive}
	 */
	public void adminSetState(Identity identity, String state) {
		transaction((c) -> updateIdentity(c, identity.id(), null, state, now()));
	}

	/**
	 * Verification (code method): the three-column address UPDATE, nothing else.
	 * @param identity the identity
	 */
	public void verifyAddress(Identity identity) {
		run((c) -> update(c, """
				UPDATE identity_verifiable_addresses SET verified = true, verified_at = ?, status = 'completed'
				 WHERE identity_id = ? AND nid = ?""", ts(now()), identity.id(), this.nid));
	}

	/**
	 * The verification send: only {@code status} becomes {@code sent}.
	 * @param identity the identity
	 */
	public void verificationSent(Identity identity) {
		run((c) -> update(c,
				"UPDATE identity_verifiable_addresses SET status = 'sent' WHERE identity_id = ? AND nid = ?",
				identity.id(), this.nid));
	}

	/**
	 * Logout: {@code RevokeSessionByToken}.
	 * @param token the session token
	 */
	public void logout(String token) {
		run((c) -> update(c, "UPDATE sessions SET active = false WHERE token = ? AND nid = ?", token, this.nid));
	}

	/**
	 * {@code DELETE /admin/sessions/{id}}: {@code RevokeSessionById}.
	 * @param session the session
	 */
	public void adminDisableSession(UUID session) {
		run((c) -> update(c, "UPDATE sessions SET active = false WHERE id = ? AND nid = ?", session, this.nid));
	}

	/**
	 * The {@code revoke_active_sessions} hook at login: every session of the identity,
	 * also the inactive ones.
	 * @param identity the identity
	 */
	public void revokeActiveSessions(UUID identity) {
		run((c) -> update(c, "UPDATE sessions SET active = false WHERE identity_id = ? AND id != ?::uuid AND nid = ?",
				identity, NIL, this.nid));
	}

	/**
	 * {@code PATCH /admin/sessions/{id}/extend} when due: {@code expires_at} and
	 * {@code updated_at}.
	 * @param session the session
	 */
	public void extendSession(UUID session) {
		Instant at = now();
		run((c) -> update(c, "UPDATE sessions SET expires_at = ?, updated_at = ? WHERE id = ? AND nid = ?",
				ts(at.plus(java.time.Duration.ofDays(1))), ts(at), session, this.nid));
	}

	/**
	 * {@code DELETE /admin/identities/{id}/sessions}: a hard delete; devices cascade.
	 * @param identity the identity
	 */
	public void adminDeleteSessions(UUID identity) {
		run((c) -> update(c, "DELETE FROM sessions WHERE identity_id = ? AND nid = ?", identity, this.nid));
	}

	/**
	 * {@code kratos cleanup sql}: deletes the expired sessions (a batch).
	 */
	public void cleanupExpiredSessions() {
		run((c) -> update(c,
				"DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at <= ? AND nid = ? LIMIT 100)",
				ts(now()), this.nid));
	}

	/**
	 * {@code DELETE /admin/identities/{id}}: one statement; everything else cascades.
	 * @param identity the identity
	 */
	public void adminDelete(UUID identity) {
		run((c) -> update(c, "DELETE FROM identities WHERE id = ? AND nid = ?", identity, this.nid));
	}

	/**
	 * @param slot a replication slot
	 * @return whether a connection streams from it now (the change data capture reads)
	 */
	public boolean slotActive(String slot) {
		try {
			return "t".equals(query("SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'"));
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

	/**
	 * @param expression {@code pg_current_wal_lsn()} or a column of
	 * {@code pg_replication_slots}, e.g. {@code confirmed_flush_lsn}
	 * @param slot the slot
	 * @return the position as a number
	 */
	public long lsn(String expression, String slot) {
		return Long.parseLong(query("SELECT (" + expression + " - '0/0'::pg_lsn)::bigint FROM pg_replication_slots"
				+ " WHERE slot_name = '" + slot + "'"));
	}

	/**
	 * @param identity an identity
	 * @return its {@code updated_at} (the time a settings hook reports)
	 */
	public Instant updatedAt(UUID identity) {
		return LocalDateTime
			.parse(query("SELECT updated_at FROM identities WHERE id = '" + identity + "'").replace(' ', 'T'))
			.toInstant(ZoneOffset.UTC);
	}

	private static String traits(String email, String name) {
		return "{\"email\":\"" + email + "\"" + ((name != null) ? ",\"name\":\"" + name + "\"" : "") + "}";
	}

	private static String rnd() {
		return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
	}

	private String query(String sql) {
		try (Connection c = connect();
				Statement statement = c.createStatement();
				java.sql.ResultSet rs = statement.executeQuery(sql)) {
			return rs.next() ? rs.getString(1) : null;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Timestamp timestamp(Connection c, String sql, UUID identity) throws SQLException {
		try (PreparedStatement statement = c.prepareStatement(sql)) {
			statement.setObject(1, identity);
			statement.setString(2, PASSWORD_TYPE);
			try (java.sql.ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getTimestamp(1);
			}
		}
	}

	private static int update(Connection c, String sql, Object... args) throws SQLException {
		try (PreparedStatement statement = c.prepareStatement(sql)) {
			for (int i = 0; i < args.length; i++) {
				statement.setObject(i + 1, args[i]);
			}
			return statement.executeUpdate();
		}
	}

}
