package io.kratossync.local;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.kratossync.testing.KratosStub;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the whole of kratos-sync on this machine: a real Kafka broker (KRaft, in this
 * JVM), a real PostgreSQL (embedded binaries, data kept in {@code .local/} between runs),
 * and hook-ingest and sync-worker as child processes, exactly as they run in production.
 * Ctrl-C stops everything.
 *
 * <p>
 * Settings come from environment variables (see README): ports, keys, Kratos URLs; with
 * {@code KRATOS_STUB=true} a stand-in for Kratos's HTTP APIs runs too, so the whole loop
 * can be tried without a Kratos.
 */
public final class LocalStack {

	private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

	private final Map<String, String> env = System.getenv();

	private final Path home = Path.of(setting("KRATOS_SYNC_HOME", ".local")).toAbsolutePath();

	private final Map<Integer, ServiceProcess> services = new LinkedHashMap<>();

	private EmbeddedPostgres postgres;

	private KafkaBroker kafka;

	private KratosStub kratosStub;

	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("soak")) {
			Soak.main(args);
			return;
		}
		if (args.length > 0 && args[0].equals("bench")) {
			Bench.main(args);
			return;
		}
		if (args.length > 0 && args[0].equals("trivial-webflux")) {
			TrivialWebFlux.main(args);
			return;
		}
		LocalStack stack = new LocalStack();
		Runtime.getRuntime().addShutdownHook(new Thread(stack::stop, "local-stack-stop"));
		try {
			stack.start();
		}
		catch (Exception ex) {
			log.error("The local stack could not start: {}", ex.getMessage(), ex);
			System.exit(1);
		}
		Thread.currentThread().join();
	}

	private void start() throws Exception {
		Files.createDirectories(this.home);
		int kafkaPort = port("KAFKA_PORT", 9092);
		int postgresPort = port("POSTGRES_PORT", 15432);
		int ingestPort = port("HOOK_INGEST_PORT", 8080);
		int workerPort = port("SYNC_WORKER_PORT", 8081);
		int ingestManagementPort = port("INGEST_MANAGEMENT_PORT", 9080);
		int workerManagementPort = port("WORKER_MANAGEMENT_PORT", 9081);
		String webhookKey = setting("WEBHOOK_API_KEYS", "local-webhook-key");
		String adminKey = setting("ADMIN_API_KEYS", "local-admin-key");
		String readKey = setting("READ_API_KEYS", "local-read-key");
		String metricsKey = setting("METRICS_API_KEYS", "local-metrics-key");

		String jdbcUrl = startPostgres(postgresPort);
		boolean cdc = Boolean.parseBoolean(setting("KRATOS_CDC", "false"));
		String kratosDatabase = cdc ? kratosDatabase() : null;
		String bootstrap = startKafka(kafkaPort);
		String kratosAdmin = setting("KRATOS_ADMIN_URL", "http://127.0.0.1:4434");
		String kratosPublic = setting("KRATOS_PUBLIC_URL", "http://127.0.0.1:4433");
		if (Boolean.parseBoolean(setting("KRATOS_STUB", "false"))) {
			this.kratosStub = KratosStub.start(port("KRATOS_STUB_PORT", 4434));
			kratosAdmin = this.kratosStub.url();
			kratosPublic = this.kratosStub.url();
		}

		// a trial stack: its printed example keys are tolerated here, and refused by the
		// services anywhere else
		Map<String, String> common = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "TOPIC_PARTITIONS",
				setting("TOPIC_PARTITIONS", "6"), "METRICS_API_KEYS", metricsKey, "ALLOW_EXAMPLE_CREDENTIALS", "true");
		Map<String, String> ingest = new HashMap<>(Map.of("HOOK_INGEST_PORT", Integer.toString(ingestPort),
				"MANAGEMENT_PORT", Integer.toString(ingestManagementPort), "WEBHOOK_API_KEYS", webhookKey,
				"ADMIN_API_KEYS", adminKey, "KRATOS_ADMIN_URL", kratosAdmin));
		if (cdc) {
			ingest.put("CDC_ENABLED", "true");
			ingest.put("KRATOS_DATABASE_URL",
					kratosDatabase.replace("jdbc:postgresql://", "postgres://postgres:postgres@"));
		}
		startService("hook-ingest", ingestPort, common, ingest);
		startService("sync-worker", workerPort, common,
				Map.of("SYNC_WORKER_PORT", Integer.toString(workerPort), "MANAGEMENT_PORT",
						Integer.toString(workerManagementPort), "READ_API_KEYS", readKey, "DATABASE_URL", jdbcUrl,
						"DATABASE_USER", "postgres", "DATABASE_PASSWORD", "postgres", "KRATOS_ADMIN_URL", kratosAdmin,
						"KRATOS_PUBLIC_URL", kratosPublic));
		this.services.forEach((port, service) -> service.awaitReady(Duration.ofSeconds(120)));

		PrintStream out = System.out;
		out.println();
		out.println("kratos-sync is running. Ctrl-C stops everything.");
		out.printf("  Kafka broker (KRaft)  %s   topic kratos.identity-events.v1%n", bootstrap);
		out.printf("  PostgreSQL            %s  (user postgres, data in %s)%n", jdbcUrl, this.home.resolve("postgres"));
		if (cdc) {
			out.printf("  Kratos's database     %s  (Kratos v25.4.0 schema, read by change data capture)%n",
					kratosDatabase);
		}
		out.printf("  hook-ingest           http://127.0.0.1:%d   webhook key header X-Webhook-Key: %s%n", ingestPort,
				mask(webhookKey));
		out.printf("                                               admin key header X-Admin-Key: %s%n", mask(adminKey));
		out.printf("  sync-worker           http://127.0.0.1:%d   read key header X-Read-Key: %s%n", workerPort,
				mask(readKey));
		out.printf(
				"  management (probes, metrics)  http://127.0.0.1:%d (ingest), http://127.0.0.1:%d (worker)   "
						+ "metrics: Authorization: Bearer %s%n",
				ingestManagementPort, workerManagementPort, mask(metricsKey));
		out.printf("  Kratos admin / public %s / %s%s%n", kratosAdmin, kratosPublic,
				(this.kratosStub != null) ? "   (stub: POST /stub/identities/{id}/sessions signs a user in)" : "");
		out.println();
	}

	private String startPostgres(int port) throws Exception {
		Path data = this.home.resolve("postgres");
		Files.createDirectories(data);
		// logical decoding on, so that KRATOS_CDC=true can read the kratos database's
		// changes
		this.postgres = EmbeddedPostgres.builder()
			.setDataDirectory(data)
			.setCleanDataDirectory(false)
			.setPort(port)
			.setServerConfig("wal_level", "logical")
			.setServerConfig("max_replication_slots", "4")
			.setServerConfig("max_wal_senders", "4")
			.start();
		try (Connection connection = this.postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			ResultSet exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'kratos_sync'");
			if (!exists.next()) {
				statement.execute("CREATE DATABASE kratos_sync");
			}
		}
		return this.postgres.getJdbcUrl("postgres", "kratos_sync");
	}

	/**
	 * The {@code kratos} database with Kratos v25.4.0's real schema (loaded once, from
	 * {@code infra/kratos-db/}) and the network row that {@code kratos serve} inserts
	 * first: statements written to it as Kratos writes them become events (README "Change
	 * data capture").
	 */
	private String kratosDatabase() throws Exception {
		try (Connection connection = this.postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			ResultSet exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'kratos'");
			if (!exists.next()) {
				statement.execute("CREATE DATABASE kratos");
			}
		}
		try (Connection connection = this.postgres.getDatabase("postgres", "kratos").getConnection();
				Statement statement = connection.createStatement()) {
			ResultSet loaded = statement.executeQuery("SELECT to_regclass('public.identities') IS NOT NULL");
			loaded.next();
			if (!loaded.getBoolean(1)) {
				KratosSchema.load(connection);
				log.info("Loaded Kratos v25.4.0's schema into database kratos");
			}
		}
		return this.postgres.getJdbcUrl("postgres", "kratos");
	}

	private String startKafka(int port) throws IOException {
		this.kafka = new KafkaBroker(this.home.resolve("kafka"), port, port("KAFKA_CONTROLLER_PORT", 9093));
		this.kafka.start();
		return this.kafka.bootstrapServers();
	}

	private void startService(String name, int port, Map<String, String> common, Map<String, String> own)
			throws IOException {
		Path jar = ServiceProcess.jar(Path.of("").toAbsolutePath(), name);
		Map<String, String> env = new HashMap<>(common);
		env.putAll(own);
		ServiceProcess service = ServiceProcess.start(name, jar, env, setting("SERVICE_HEAP", "256m"),
				(line) -> System.out.println("[" + name + "] " + line));
		this.services.put(port, service);
		log.info("Started {} (pid {}) from {}, port {}", name, service.pid(), jar, port);
	}

	/**
	 * Stops whatever was started, each part even when another fails (also after a failed
	 * start).
	 */
	private void stop() {
		this.services.values().forEach((service) -> quietly("a service", service::stop));
		if (this.kratosStub != null) {
			quietly("the Kratos stub", this.kratosStub::close);
		}
		if (this.kafka != null) {
			quietly("the Kafka broker", this.kafka::stop);
		}
		if (this.postgres != null) {
			quietly("PostgreSQL", this.postgres::close);
		}
		System.out.println("kratos-sync local stack stopped.");
	}

	private interface Step {

		void run() throws Exception;

	}

	private static void quietly(String what, Step step) {
		try {
			step.run();
		}
		catch (Exception ex) {
			log.warn("{} did not stop cleanly: {}", what, ex.getMessage());
		}
	}

	private int port(String name, int fallback) {
		return Integer.parseInt(setting(name, Integer.toString(fallback)));
	}

	private String setting(String name, String fallback) {
		String value = this.env.get(name);
		return (value == null || value.isBlank()) ? fallback : value;
	}

	private static String mask(String keys) {
		// the local keys are printed so that the README's curl commands can be followed;
		// real keys are not
		return keys.startsWith("local-") ? keys : "(from the environment)";
	}

}
