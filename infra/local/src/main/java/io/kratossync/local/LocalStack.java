package io.kratossync.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.kratossync.testing.KratosStub;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the whole of kratos-sync on this machine: a real Kafka broker (KRaft, in this JVM), a real PostgreSQL
 * (embedded binaries, data kept in {@code .local/} between runs), and hook-ingest and sync-worker as child
 * processes, exactly as they run in production. Ctrl-C stops everything.
 *
 * <p>
 * Settings come from environment variables (see README): ports, keys, Kratos URLs; with
 * {@code KRATOS_STUB=true} a stand-in for Kratos's HTTP APIs runs too, so the whole loop can be tried without a
 * Kratos.
 */
public final class LocalStack {

	private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

	private final Map<String, String> env = System.getenv();

	private final Path home = Path.of(setting("KRATOS_SYNC_HOME", ".local")).toAbsolutePath();

	private final List<Process> services = new ArrayList<>();

	private EmbeddedPostgres postgres;

	private KafkaRaftServer kafka;

	private KratosStub kratosStub;

	public static void main(String[] args) throws Exception {
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
		String webhookKey = setting("WEBHOOK_API_KEYS", "local-webhook-key");
		String adminKey = setting("ADMIN_API_KEYS", "local-admin-key");

		String jdbcUrl = startPostgres(postgresPort);
		String bootstrap = startKafka(kafkaPort);
		String kratosAdmin = setting("KRATOS_ADMIN_URL", "http://127.0.0.1:4434");
		String kratosPublic = setting("KRATOS_PUBLIC_URL", "http://127.0.0.1:4433");
		if (Boolean.parseBoolean(setting("KRATOS_STUB", "false"))) {
			this.kratosStub = KratosStub.start(port("KRATOS_STUB_PORT", 4434));
			kratosAdmin = this.kratosStub.url();
			kratosPublic = this.kratosStub.url();
		}

		Map<String, String> common = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "TOPIC_PARTITIONS",
				setting("TOPIC_PARTITIONS", "6"));
		startService("hook-ingest", ingestPort, common,
				Map.of("HOOK_INGEST_PORT", Integer.toString(ingestPort), "WEBHOOK_API_KEYS", webhookKey,
						"ADMIN_API_KEYS", adminKey));
		startService("sync-worker", workerPort, common,
				Map.of("SYNC_WORKER_PORT", Integer.toString(workerPort), "DATABASE_URL", jdbcUrl, "DATABASE_USER",
						"postgres", "DATABASE_PASSWORD", "postgres", "KRATOS_ADMIN_URL", kratosAdmin,
						"KRATOS_PUBLIC_URL", kratosPublic));
		awaitReady("hook-ingest", ingestPort);
		awaitReady("sync-worker", workerPort);

		PrintStream out = System.out;
		out.println();
		out.println("kratos-sync is running. Ctrl-C stops everything.");
		out.printf("  Kafka broker (KRaft)  %s   topic kratos.identity-events.v1%n", bootstrap);
		out.printf("  PostgreSQL            %s  (user postgres, data in %s)%n", jdbcUrl, this.home.resolve("postgres"));
		out.printf("  hook-ingest           http://127.0.0.1:%d   webhook key header X-Webhook-Key: %s%n", ingestPort,
				mask(webhookKey));
		out.printf("                                               admin key header X-Admin-Key: %s%n", mask(adminKey));
		out.printf("  sync-worker           http://127.0.0.1:%d%n", workerPort);
		out.printf("  Kratos admin / public %s / %s%s%n", kratosAdmin, kratosPublic,
				(this.kratosStub != null) ? "   (stub: POST /stub/identities/{id}/sessions signs a user in)" : "");
		out.println();
	}

	private String startPostgres(int port) throws Exception {
		Path data = this.home.resolve("postgres");
		Files.createDirectories(data);
		this.postgres = EmbeddedPostgres.builder()
			.setDataDirectory(data)
			.setCleanDataDirectory(false)
			.setPort(port)
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

	private String startKafka(int port) throws IOException {
		Path logDir = this.home.resolve("kafka");
		Files.createDirectories(logDir);
		int controllerPort = port("KAFKA_CONTROLLER_PORT", 9093);
		Properties props = new Properties();
		props.put("process.roles", "broker,controller");
		props.put("node.id", "1");
		props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
		props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
		props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
		props.put("controller.listener.names", "CONTROLLER");
		props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
		props.put("inter.broker.listener.name", "PLAINTEXT");
		props.put("log.dirs", logDir.toString());
		props.put("offsets.topic.replication.factor", "1");
		props.put("transaction.state.log.replication.factor", "1");
		props.put("transaction.state.log.min.isr", "1");
		props.put("group.initial.rebalance.delay.ms", "0");
		props.put("auto.create.topics.enable", "false");
		Path propsFile = this.home.resolve("kafka-server.properties");
		try (var writer = Files.newBufferedWriter(propsFile)) {
			props.store(writer, "written by the kratos-sync local stack");
		}
		if (!Files.exists(logDir.resolve("meta.properties"))) {
			int rc = StorageTool.execute(new String[] { "format", "-t", Uuid.randomUuid().toString(), "-c",
					propsFile.toString(), "--ignore-formatted" }, System.out);
			if (rc != 0) {
				throw new IllegalStateException("formatting Kafka's log directory failed with " + rc);
			}
		}
		this.kafka = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
		this.kafka.startup();
		return "127.0.0.1:" + port;
	}

	private void startService(String name, int port, Map<String, String> common, Map<String, String> own)
			throws IOException {
		Path jar = findJar(name);
		ProcessBuilder builder = new ProcessBuilder(javaExecutable(), "-Xmx" + setting("SERVICE_HEAP", "256m"),
				"-XX:+UseSerialGC", "-Xss512k", "-jar", jar.toString());
		builder.environment().putAll(common);
		builder.environment().putAll(own);
		builder.redirectErrorStream(true);
		Process process = builder.start();
		this.services.add(process);
		Thread pump = new Thread(() -> prefix(name, process), name + "-log");
		pump.setDaemon(true);
		pump.start();
		log.info("Started {} (pid {}) from {}, port {}", name, process.pid(), jar, port);
	}

	private static void prefix(String name, Process process) {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				System.out.println("[" + name + "] " + line);
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

	private void awaitReady(String name, int port) throws InterruptedException {
		HttpClient http = HttpClient.newHttpClient();
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
			.timeout(Duration.ofSeconds(2))
			.build();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (System.nanoTime() < deadline) {
			try {
				if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			if (this.services.stream().anyMatch((p) -> !p.isAlive())) {
				throw new IllegalStateException(name + " exited during start-up; see its log lines above");
			}
			TimeUnit.MILLISECONDS.sleep(250);
		}
		throw new IllegalStateException(name + " was not ready within 120 s");
	}

	private Path findJar(String service) throws IOException {
		Path target = Path.of(service, "target");
		try (Stream<Path> files = Files.list(target)) {
			return files.filter((p) -> p.getFileName().toString().endsWith("-exec.jar"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("no " + service + " jar in " + target.toAbsolutePath()
						+ ": build first (./mvnw -DskipTests package)"));
		}
		catch (java.nio.file.NoSuchFileException ex) {
			throw new IllegalStateException(
					"run from the repository root after ./mvnw -DskipTests package (" + target + " is missing)");
		}
	}

	private void stop() {
		for (Process process : this.services) {
			process.destroy();
		}
		for (Process process : this.services) {
			try {
				if (!process.waitFor(30, TimeUnit.SECONDS)) {
					process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		if (this.kratosStub != null) {
			this.kratosStub.close();
		}
		if (this.kafka != null) {
			this.kafka.shutdown();
			this.kafka.awaitShutdown();
		}
		if (this.postgres != null) {
			try {
				this.postgres.close();
			}
			catch (IOException ex) {
				log.warn("PostgreSQL did not stop cleanly: {}", ex.getMessage());
			}
		}
		System.out.println("kratos-sync local stack stopped.");
	}

	private static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private int port(String name, int fallback) {
		return Integer.parseInt(setting(name, Integer.toString(fallback)));
	}

	private String setting(String name, String fallback) {
		String value = this.env.get(name);
		return (value == null || value.isBlank()) ? fallback : value;
	}

	private static String mask(String keys) {
		// the local keys are printed so that the README's curl commands can be followed; real keys are not
		return keys.startsWith("local-") ? keys : "(from the environment)";
	}

}
