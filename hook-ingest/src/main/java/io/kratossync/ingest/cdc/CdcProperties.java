package io.kratossync.ingest.cdc;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import io.kratossync.support.Secret;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern.Flag;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the change data capture source ({@code kratos-sync.cdc.*}). Every setting
 * is documented in the README ("Change data capture").
 *
 * @param enabled whether to read Kratos's database at all
 * @param databaseUrl Kratos's database: Kratos's own DSN form
 * ({@code postgres://user:password@host:5432/kratos?sslmode=require}) or a JDBC URL
 * ({@code jdbc:postgresql://host:5432/kratos})
 * @param databaseUser the replication user, when not in the URL
 * @param databasePassword its password, when not in the URL
 * @param schema the schema of Kratos's tables
 * @param slotName the logical replication slot (kept when the source stops, so nothing is
 * missed while it is down)
 * @param publicationName the publication of the four tables
 * @param publicationAutocreate {@code filtered}: the source creates the publication of
 * exactly its tables (needs the CREATE privilege on the database); {@code disabled}: a
 * DBA created it (README setup SQL)
 * @param setReplicaIdentity whether the source sets {@code REPLICA IDENTITY FULL} on the
 * four tables itself (needs ownership); otherwise a DBA does
 * @param snapshotMode {@code no_data}: start at the slot's position; {@code initial}:
 * first publish {@code kratos.identity.created} for every existing identity
 * @param offsetTopic the compacted Kafka topic that keeps the source's position
 * @param heartbeatInterval how often the source confirms its position when Kratos writes
 * nothing, so that the slot does not hold back WAL
 * @param heartbeatQuery a statement run on Kratos's database at each heartbeat, for a
 * server whose other databases are busy while Kratos's is quiet (empty: none)
 * @param offsetFlushInterval how often acknowledged positions are stored; a crash
 * re-reads at most this much (duplicates the worker drops)
 * @param leaderPoll how often a standby instance tries to become the reader, and the
 * reader checks that it still is
 * @param lagPoll how often the slot's lag is measured
 * @param publishTimeout how long one attempt to publish a transaction's events waits for
 * Kafka
 */
@Validated
@ConfigurationProperties("kratos-sync.cdc")
public record CdcProperties(@DefaultValue("false") boolean enabled, @DefaultValue("") String databaseUrl,
		@DefaultValue("") String databaseUser, @DefaultValue("") Secret databasePassword,
		@DefaultValue("public") @NotBlank String schema, @DefaultValue("kratos_sync") @NotBlank String slotName,
		@DefaultValue("kratos_sync") @NotBlank String publicationName,
		@DefaultValue("filtered") @jakarta.validation.constraints.Pattern(regexp = "filtered|disabled",
				flags = Flag.CASE_INSENSITIVE) String publicationAutocreate,
		@DefaultValue("true") boolean setReplicaIdentity,
		@DefaultValue("no_data") @jakarta.validation.constraints.Pattern(regexp = "no_data|initial|when_needed",
				flags = Flag.CASE_INSENSITIVE) String snapshotMode,
		@DefaultValue("kratos-sync.cdc-offsets") @NotBlank String offsetTopic,
		@DefaultValue("10s") @NotNull Duration heartbeatInterval, @DefaultValue("") String heartbeatQuery,
		@DefaultValue("1s") @NotNull Duration offsetFlushInterval, @DefaultValue("5s") @NotNull Duration leaderPoll,
		@DefaultValue("15s") @NotNull Duration lagPoll, @DefaultValue("10s") @NotNull Duration publishTimeout) {

	private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

	public CdcProperties {
		if (enabled && (databaseUrl == null || databaseUrl.isBlank())) {
			throw new IllegalArgumentException(
					"CDC_ENABLED=true needs KRATOS_DATABASE_URL (kratos-sync.cdc.database-url), e.g. "
							+ "postgres://kratos_sync_cdc@kratos-db:5432/kratos?sslmode=require");
		}
		for (String name : new String[] { slotName, publicationName, schema }) {
			if (name != null && !NAME.matcher(name).matches()) {
				throw new IllegalArgumentException("not a PostgreSQL identifier (lower case, digits, _): " + name);
			}
		}
	}

	/**
	 * Kratos's database, parsed from {@link #databaseUrl}; user and password in the URL
	 * win over {@link #databaseUser} and {@link #databasePassword}.
	 * @return where and as whom to connect
	 */
	public Database database() {
		String url = this.databaseUrl.trim();
		if (url.startsWith("jdbc:")) {
			url = url.substring("jdbc:".length());
		}
		URI uri = URI.create(url);
		if (!"postgres".equals(uri.getScheme()) && !"postgresql".equals(uri.getScheme())) {
			throw new IllegalArgumentException("KRATOS_DATABASE_URL must be postgres://... or jdbc:postgresql://...");
		}
		String user = this.databaseUser;
		Secret password = this.databasePassword;
		if (uri.getRawUserInfo() != null) {
			String[] info = uri.getRawUserInfo().split(":", 2);
			user = decode(info[0]);
			if (info.length > 1) {
				password = Secret.valueOf(decode(info[1]));
			}
		}
		Map<String, String> params = new LinkedHashMap<>();
		if (uri.getRawQuery() != null) {
			for (String pair : uri.getRawQuery().split("&")) {
				String[] kv = pair.split("=", 2);
				params.put(decode(kv[0]), (kv.length > 1) ? decode(kv[1]) : "");
			}
		}
		if (params.containsKey("user")) {
			user = params.remove("user");
		}
		if (params.containsKey("password")) {
			password = Secret.valueOf(params.remove("password"));
		}
		String path = (uri.getPath() != null) ? uri.getPath().replaceFirst("^/", "") : "";
		if (path.isEmpty() || user == null || user.isBlank()) {
			throw new IllegalArgumentException(
					"KRATOS_DATABASE_URL must name the database and a user (in the URL or " + "KRATOS_DATABASE_USER)");
		}
		return new Database(uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 5432, path, user, password,
				params.getOrDefault("sslmode", "prefer"));
	}

	private static String decode(String text) {
		return java.net.URLDecoder.decode(text, java.nio.charset.StandardCharsets.UTF_8);
	}

	/**
	 * Where Kratos's database is.
	 *
	 * @param host the host
	 * @param port the port
	 * @param name the database
	 * @param user the replication user
	 * @param password its password (never logged)
	 * @param sslMode PostgreSQL's {@code sslmode}
	 */
	public record Database(String host, int port, String name, String user, Secret password, String sslMode) {

		/**
		 * @return the JDBC URL without credentials
		 */
		public String jdbcUrl() {
			return "jdbc:postgresql://" + this.host + ":" + this.port + "/" + this.name + "?sslmode=" + this.sslMode;
		}

		@Override
		public String toString() {
			return this.user + "@" + this.host + ":" + this.port + "/" + this.name;
		}

	}

}
