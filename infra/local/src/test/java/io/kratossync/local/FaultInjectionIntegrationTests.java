package io.kratossync.local;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityId;
import io.kratossync.events.LoggedIn;
import io.kratossync.ingest.HookIngestApplication;
import io.kratossync.testing.EventProducer;
import io.kratossync.testing.Fixtures;
import io.kratossync.testing.KratosStub;
import io.kratossync.testing.LastLogins;
import io.kratossync.testing.Postgres;
import io.kratossync.worker.SyncWorkerApplication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults of whole processes: the worker process killed with SIGKILL in the middle of a
 * stream, and the Kafka broker stopped and started again while webhooks arrive. Nothing
 * acknowledged is lost; nothing is applied twice.
 */
class FaultInjectionIntegrationTests {

	private static final Logger log = LoggerFactory.getLogger(FaultInjectionIntegrationTests.class);

	/**
	 * Enough that the worker is still applying when it is killed: with multi-row upserts
	 * it applied 1 500 within one poll of the wait below.
	 */
	private static final int EVENTS = 6000;

	private static final Path REPOSITORY = Path.of("..", "..").toAbsolutePath().normalize();

	private KafkaBroker kafka;

	private KratosStub kratos;

	private String database;

	private JdbcClient jdbc;

	@BeforeEach
	void start() throws IOException {
		this.kafka = new KafkaBroker(Files.createTempDirectory("kafka-faults").resolve("data"), freePort(), freePort());
		this.kafka.start();
		this.kratos = KratosStub.start();
		this.database = Postgres.freshDatabase();
		this.jdbc = JdbcClient.create(new DriverManagerDataSource(this.database, "postgres", "postgres"));
	}

	@AfterEach
	void stop() {
		this.kratos.close();
		this.kafka.close();
	}

	@Test
	void aWorkerKilledMidStreamAndRestartedAppliesEveryEventOnce() throws IOException {
		int port = freePort();
		ServiceProcess worker = startWorker(port);
		List<EventEnvelope> events = new ArrayList<>();
		for (int i = 0; i < EVENTS; i++) {
			events.add(new EventEnvelope(UUID.randomUUID(), "/test", Instant.now(),
					new LoggedIn(new IdentityId(UUID.randomUUID()),
							Instant.parse("2026-07-01T00:00:00Z").plusSeconds(i), "password", null, "aal1")));
		}
		publish(events);

		await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10)).until(() -> processed() >= 300);
		worker.kill();
		long atKill = processed();
		assertThat(atKill).as("killed mid-stream").isLessThan(EVENTS);
		log.info("Killed the worker (SIGKILL) after {} of {} events", atKill, EVENTS);

		try (ServiceProcess restarted = startWorker(port)) {
			await().atMost(Duration.ofSeconds(180)).until(() -> processed() == EVENTS);
		}
		assertThat(this.jdbc.sql("SELECT count(*) FROM user_settings").query(Long.class).single()).isEqualTo(EVENTS);
		assertThat(LastLogins.notStored(this.database, LastLogins.latest(events))).isEmpty();
	}

	@Test
	void aBrokerRestartWhileWebhooksArriveLosesNothingAcknowledged() throws Exception {
		try (ConfigurableApplicationContext ingest = HookIngestApplication.application()
			.run(RunningStack.with(RunningStack.INGEST_AUTH, "--server.port=0",
					"--spring.kafka.bootstrap-servers=" + this.kafka.bootstrapServers(),
					"--kratos-sync.ingest.kratos.admin-url=" + this.kratos.url()));
				ConfigurableApplicationContext worker = SyncWorkerApplication.application()
					.run(RunningStack.with(RunningStack.WORKER_AUTH, "--server.port=0",
							"--spring.kafka.bootstrap-servers=" + this.kafka.bootstrapServers(),
							"--spring.datasource.url=" + this.database, "--spring.datasource.username=postgres",
							"--spring.datasource.password=postgres",
							"--kratos-sync.worker.kratos.admin-url=" + this.kratos.url(),
							"--kratos-sync.worker.kratos.public-url=" + this.kratos.url()))) {
			String url = "http://127.0.0.1:" + ingest.getEnvironment().getProperty("local.server.port")
					+ "/hooks/kratos/login/password";
			Set<String> acknowledged = ConcurrentHashMap.newKeySet();
			AtomicInteger refused = new AtomicInteger();
			AtomicInteger sent = new AtomicInteger();
			String template = Fixtures.text("kratos/login-after.ctx.json");
			Thread sender = new Thread(() -> {
				for (int i = 0; i < 400; i++) {
					String triggerId = UUID.randomUUID().toString();
					String body = template.replace("3a5293f1-f4d6-49f4-b34f-6da62c360604",
							UUID.randomUUID().toString());
					HttpResponse<String> response = post(url, triggerId, body);
					if (response.statusCode() == 202) {
						acknowledged.add(triggerId);
					}
					else {
						assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
						refused.incrementAndGet();
					}
					sent.incrementAndGet();
				}
			}, "webhook-sender");
			sender.start();

			await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() >= 100);
			this.kafka.stop();
			log.info("Stopped the broker after {} webhooks", sent.get());
			await().atMost(Duration.ofSeconds(60)).until(() -> refused.get() >= 2);
			this.kafka.start();
			log.info("Started the broker again after {} webhooks, {} refused", sent.get(), refused.get());
			await().atMost(Duration.ofSeconds(180)).until(() -> !sender.isAlive());

			assertThat(refused.get()).as("webhooks answered 503 while the broker was down").isPositive();
			assertThat(acknowledged.size() + refused.get()).isEqualTo(400);
			await().atMost(Duration.ofSeconds(120)).until(() -> appliedOf(acknowledged) == acknowledged.size());
			log.info("Broker restart: {} acknowledged, {} answered 503, {} acknowledged events applied",
					acknowledged.size(), refused.get(), appliedOf(acknowledged));
		}
	}

	/**
	 * A reconcile sweep (5 000 identities in Kratos the application never heard of: 20
	 * pages) whose worker is SIGKILLed midway resumes, in the restarted worker, at the
	 * page it had stored: every identity arrives, and only the page in flight is read
	 * twice.
	 */
	@Test
	void aReconcileSweepKilledMidwayResumesWhereItStopped() throws IOException {
		for (int i = 0; i < 5_000; i++) {
			this.kratos.putIdentity(UUID.randomUUID(), "user" + i + "@example.com", "active",
					Instant.parse("2026-05-01T10:00:00Z"), Instant.parse("2026-05-01T10:00:00Z"));
		}
		int port = freePort();
		ServiceProcess worker = startWorker(port,
				Map.of("RECONCILE_INTERVAL", "1h", "RECONCILE_REQUESTS_PER_SECOND", "4"));
		await().atMost(Duration.ofSeconds(60)).until(() -> listings() >= 6);
		worker.kill();
		long atKill = listings();
		log.info("Killed the worker (SIGKILL) after {} of 20 listing pages", atKill);
		assertThat(atKill).isLessThan(20);

		try (ServiceProcess restarted = startWorker(port,
				Map.of("RECONCILE_INTERVAL", "1h", "RECONCILE_REQUESTS_PER_SECOND", "20"))) {
			await().atMost(Duration.ofSeconds(120))
				.until(() -> this.jdbc.sql("SELECT count(*) FROM reconcile_sweeps WHERE finished_at IS NOT NULL")
					.query(Long.class)
					.single() == 1);
			await().atMost(Duration.ofSeconds(120))
				.until(() -> this.jdbc.sql("SELECT count(*) FROM user_settings").query(Long.class).single() == 5_000);
		}
		log.info("Reconcile resumed: {} listing pages read for 20 (killed after {})", listings(), atKill);
		assertThat(listings()).as("the pages stored before the kill are not read again").isLessThanOrEqualTo(21);
		assertThat(this.jdbc.sql("SELECT count(*) FROM reconcile_sweeps").query(Long.class).single())
			.as("one sweep, resumed")
			.isEqualTo(1);
	}

	private long listings() {
		return this.kratos.calls()
			.stream()
			.filter((c) -> c.method().equals("GET") && c.path().equals("/admin/identities"))
			.count();
	}

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static HttpResponse<String> post(String url, String triggerId, String body) {
		try {
			return HTTP.send(HttpRequest.newBuilder(URI.create(url))
				.header("Content-Type", "application/json")
				.header("X-Webhook-Key", RunningStack.WEBHOOK_KEY)
				.header("Ory-Webhook-Trigger-ID", triggerId)
				.timeout(Duration.ofSeconds(30))
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private long appliedOf(Set<String> eventIds) {
		List<UUID> ids = eventIds.stream().map(UUID::fromString).toList();
		return this.jdbc.sql("SELECT count(*) FROM processed_events WHERE event_id IN (:ids)")
			.param("ids", ids)
			.query(Long.class)
			.single();
	}

	private ServiceProcess startWorker(int port) throws IOException {
		return startWorker(port, Map.of());
	}

	private ServiceProcess startWorker(int port, Map<String, String> more) throws IOException {
		Map<String, String> env = new HashMap<>(more);
		env.put("SYNC_WORKER_PORT", Integer.toString(port));
		env.put("KAFKA_BOOTSTRAP_SERVERS", this.kafka.bootstrapServers());
		env.put("TOPIC_PARTITIONS", "3");
		env.put("DATABASE_URL", this.database);
		env.put("DATABASE_USER", "postgres");
		env.put("DATABASE_PASSWORD", "postgres");
		env.put("KRATOS_ADMIN_URL", this.kratos.url());
		env.put("KRATOS_PUBLIC_URL", this.kratos.url());
		env.put("READ_API_KEYS", RunningStack.READ_KEY);
		ServiceProcess worker = ServiceProcess.start("sync-worker", ServiceProcess.jar(REPOSITORY, "sync-worker"), env,
				"256m", (line) -> {
				});
		worker.awaitReady(Duration.ofSeconds(120));
		return worker;
	}

	private long processed() {
		return this.jdbc.sql("SELECT count(*) FROM processed_events").query(Long.class).single();
	}

	private void publish(List<EventEnvelope> events) {
		EventProducer.publish(this.kafka.bootstrapServers(), events);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
