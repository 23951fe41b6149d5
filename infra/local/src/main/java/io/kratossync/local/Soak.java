package io.kratossync.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kratossync.events.Topics;
import io.kratossync.testing.KratosStub;
import io.kratossync.testing.LastLogins;
import io.kratossync.testing.TopicProbe;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A bounded soak run on this machine only (loopback): many webhooks, duplicates of the
 * same trigger id mixed in, and faults along the way (the worker killed with SIGKILL and
 * restarted, the broker restarted, Kratos failing), then an account of what was
 * acknowledged, applied, suppressed, lost or doubled. Senders behave as Kratos does: up
 * to three attempts per webhook with the same trigger id, waiting 1 s and 2 s.
 */
public final class Soak {

	private static final Logger log = LoggerFactory.getLogger(Soak.class);

	private static final Pattern EVENT_ID = Pattern.compile("\"event_id\":\"([0-9a-f-]{36})\"");

	private static final String WEBHOOK_KEY = "soak-webhook-key-0123456789abcdef";

	private static final String ADMIN_KEY = "soak-admin-key-0123456789abcdef";

	private final int webhooks = Integer.parseInt(Machine.env("SOAK_WEBHOOKS", "100000"));

	private final int concurrency = Integer.parseInt(Machine.env("SOAK_CONCURRENCY", "16"));

	private final int duplicatePercent = Integer.parseInt(Machine.env("SOAK_DUPLICATE_PERCENT", "10"));

	private final int requirementPercent = Integer.parseInt(Machine.env("SOAK_REQUIREMENT_PERCENT", "2"));

	private final Path home;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final Set<UUID> acknowledged = ConcurrentHashMap.newKeySet();

	private final Set<UUID> requirements = ConcurrentHashMap.newKeySet();

	/**
	 * The model of what was acknowledged: each login identity's latest acknowledged
	 * login.
	 */
	private final Map<UUID, Instant> expectedLogins = new ConcurrentHashMap<>();

	/**
	 * The model of what was acknowledged: the identities an administrator required a
	 * password change of.
	 */
	private final Set<UUID> requiredIdentities = ConcurrentHashMap.newKeySet();

	private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();

	private final AtomicLong requests = new AtomicLong();

	private final AtomicLong duplicateDeliveries = new AtomicLong();

	private final AtomicLong refusedForGood = new AtomicLong();

	private final AtomicLong adminRefusedForGood = new AtomicLong();

	private final List<Sent> sentForDuplicates = new ArrayList<>();

	private KafkaBroker kafka;

	private KratosStub kratos;

	/**
	 * hook-ingest instances, sent to in turn (a simple round-robin, as a load balancer
	 * would).
	 */
	private final int ingestCount = Integer.parseInt(Machine.env("SOAK_INGESTS", "1"));

	/** sync-worker instances, one consumer group. */
	private final int workerCount = Integer.parseInt(Machine.env("SOAK_WORKERS", "1"));

	private final List<ServiceProcess> ingests = new ArrayList<>();

	private final List<ServiceProcess> workers = new ArrayList<>();

	private final List<Map<String, String>> ingestEnvs = new ArrayList<>();

	private final List<Map<String, String>> workerEnvs = new ArrayList<>();

	private final List<Integer> ingestPorts = new ArrayList<>();

	private final AtomicInteger nextIngest = new AtomicInteger();

	private String jdbcUrl;

	/**
	 * The settings of the first worker: the commands of the history check run with them.
	 */
	private Map<String, String> workerEnv;

	/**
	 * A webhook or admin request as sent (again, for a duplicate).
	 *
	 * @param identity the identity it is about
	 * @param loginAt the time of the login it reports, {@code null} for a password-change
	 * requirement
	 */
	private record Sent(String path, String key, String triggerId, String body, UUID identity, Instant loginAt) {
	}

	private Soak() throws IOException {
		this.home = Files.createTempDirectory("kratos-sync-soak");
	}

	public static void main(String[] args) throws Exception {
		new Soak().run();
		System.exit(0);
	}

	private void run() throws Exception {
		Instant started = Instant.now();
		log.info("Soak: {} webhooks, {} senders, {}% duplicates, {}% password-change requirements; work dir {}",
				this.webhooks, this.concurrency, this.duplicatePercent, this.requirementPercent, this.home);
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
			.setDataDirectory(this.home.resolve("postgres"))
			.start()) {
			try (Connection connection = postgres.getPostgresDatabase().getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE DATABASE kratos_sync");
			}
			String jdbcUrl = postgres.getJdbcUrl("postgres", "kratos_sync");
			this.jdbcUrl = jdbcUrl;
			this.kafka = new KafkaBroker(this.home.resolve("kafka"), Machine.freePort(), Machine.freePort());
			this.kafka.start();
			this.kratos = KratosStub.start();
			for (int i = 0; i < this.ingestCount; i++) {
				int port = Machine.freePort();
				this.ingestPorts.add(port);
				this.ingestEnvs.add(Map.of("HOOK_INGEST_PORT", Integer.toString(port), "KAFKA_BOOTSTRAP_SERVERS",
						this.kafka.bootstrapServers(), "WEBHOOK_API_KEYS", WEBHOOK_KEY, "ADMIN_API_KEYS", ADMIN_KEY,
						"KRATOS_ADMIN_URL", this.kratos.url()));
				this.ingests.add(startService(name("hook-ingest", i, this.ingestCount), this.ingestEnvs.get(i)));
			}
			// 6 partitions: three consumers in one worker, two in each of several
			String concurrency = (this.workerCount == 1) ? "3" : Integer.toString(Math.max(1, 6 / this.workerCount));
			for (int i = 0; i < this.workerCount; i++) {
				this.workerEnvs.add(Map.of("SYNC_WORKER_PORT", Integer.toString(Machine.freePort()),
						"KAFKA_BOOTSTRAP_SERVERS", this.kafka.bootstrapServers(), "DATABASE_URL", jdbcUrl,
						"DATABASE_USER", "postgres", "DATABASE_PASSWORD", "postgres", "KRATOS_ADMIN_URL",
						this.kratos.url(), "KRATOS_PUBLIC_URL", this.kratos.url(), "WORKER_CONCURRENCY", concurrency,
						"OUTBOX_MAX_BACKOFF", "5s", "KRATOS_BREAKER_OPEN_FOR", "5s"));
				this.workers.add(startService(name("sync-worker", i, this.workerCount), this.workerEnvs.get(i)));
			}
			this.workerEnv = this.workerEnvs.get(0);
			try {
				Instant loadStarted = Instant.now();
				send();
				Duration load = Duration.between(loadStarted, Instant.now());
				JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(jdbcUrl, "postgres", "postgres"));
				drain(jdbc);
				report(jdbc, load, Duration.between(started, Instant.now()));
			}
			finally {
				this.ingests.forEach(ServiceProcess::stop);
				this.workers.forEach(ServiceProcess::stop);
				this.kratos.close();
				this.kafka.stop();
			}
		}
	}

	private void send() throws InterruptedException {
		ExecutorService senders = Executors.newFixedThreadPool(this.concurrency);
		AtomicInteger next = new AtomicInteger();
		int[] faultsAt = { this.webhooks / 5, 2 * this.webhooks / 5, 3 * this.webhooks / 5, 4 * this.webhooks / 5 };
		AtomicInteger fault = new AtomicInteger();
		for (int t = 0; t < this.concurrency; t++) {
			senders.execute(() -> {
				int i;
				while ((i = next.getAndIncrement()) < this.webhooks) {
					sendOne();
					if (i % 10_000 == 0 && i > 0) {
						log.info("Sent {} of {} webhooks", i, this.webhooks);
					}
				}
			});
		}
		Thread faults = new Thread(() -> {
			while (fault.get() < faultsAt.length) {
				int f = fault.get();
				if (next.get() >= faultsAt[f]) {
					inject(f);
					fault.incrementAndGet();
				}
				else {
					Machine.pause(100);
				}
			}
		}, "soak-faults");
		faults.start();
		senders.shutdown();
		senders.awaitTermination(2, TimeUnit.HOURS);
		faults.join();
	}

	private void inject(int fault) {
		try {
			switch (fault) {
				case 3 -> {
					if (this.ingestCount > 1) {
						restart(this.ingests, this.ingestEnvs, "hook-ingest", this.ingestCount - 1, this.ingestCount);
					}
					else {
						restart(this.workers, this.workerEnvs, "sync-worker", 0, this.workerCount);
					}
				}
				case 0 -> restart(this.workers, this.workerEnvs, "sync-worker", this.workerCount - 1, this.workerCount);
				case 1 -> {
					log.info("FAULT: stopping the Kafka broker for 12 s");
					this.kafka.stop();
					Machine.pause(Duration.ofSeconds(12).toMillis());
					this.kafka.start();
					log.info("FAULT: Kafka broker started again");
				}
				default -> {
					log.info("FAULT: Kratos refuses connections for 5 s, then answers 500 to the next 20 admin calls");
					this.kratos.refuseConnections();
					Machine.pause(Duration.ofSeconds(5).toMillis());
					this.kratos.failNext(20, 500, Duration.ZERO);
					this.kratos.acceptConnections();
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("fault injection failed", ex);
		}
	}

	/** Kills one instance (SIGKILL) while the others go on, and starts it again. */
	private void restart(List<ServiceProcess> instances, List<Map<String, String>> envs, String kind, int index,
			int count) throws IOException {
		String name = name(kind, index, count);
		log.info("FAULT: killing {} (SIGKILL) and starting it again{}", name,
				(count > 1) ? " (" + (count - 1) + " more of its kind keep running)" : "");
		instances.get(index).kill();
		instances.set(index, startService(name, envs.get(index)));
	}

	private static String name(String kind, int index, int count) {
		return (count == 1) ? kind : kind + "-" + (index + 1);
	}

	private void sendOne() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int dice = random.nextInt(100);
		Sent duplicate = null;
		if (dice < this.duplicatePercent) {
			synchronized (this.sentForDuplicates) {
				if (!this.sentForDuplicates.isEmpty()) {
					duplicate = this.sentForDuplicates.get(random.nextInt(this.sentForDuplicates.size()));
				}
			}
		}
		Sent sent;
		boolean requirement = false;
		if (duplicate != null) {
			sent = duplicate;
		}
		else if (dice >= 100 - this.requirementPercent) {
			UUID identity = UUID.randomUUID();
			this.kratos.createSession(identity);
			sent = new Sent("/admin/identities/" + identity + "/password-change-required", ADMIN_KEY,
					UUID.randomUUID().toString(), "{\"reason\":\"soak\"}", identity, null);
			requirement = true;
		}
		else {
			UUID identity = UUID.randomUUID();
			Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
			sent = new Sent("/hooks/kratos/login/password", WEBHOOK_KEY, UUID.randomUUID().toString(),
					"{\"identity\":{\"id\":\"" + identity + "\"},\"flow\":{\"id\":\"" + UUID.randomUUID()
							+ "\"},\"session\":{\"aal\":\"aal1\",\"authenticated_at\":\"" + at + "\"}}",
					identity, at);
		}
		UUID eventId = deliver(sent);
		if (eventId == null) {
			(requirement || (duplicate != null && duplicate.loginAt() == null) ? this.adminRefusedForGood
					: this.refusedForGood)
				.incrementAndGet();
			return;
		}
		if (!this.acknowledged.add(eventId)) {
			this.duplicateDeliveries.incrementAndGet();
		}
		if (requirement) {
			this.requirements.add(eventId);
		}
		if (sent.loginAt() != null) {
			this.expectedLogins.merge(sent.identity(), sent.loginAt(), (a, b) -> a.isAfter(b) ? a : b);
		}
		else {
			this.requiredIdentities.add(sent.identity());
		}
		if (duplicate == null && random.nextInt(20) == 0) {
			synchronized (this.sentForDuplicates) {
				if (this.sentForDuplicates.size() < 10_000) {
					this.sentForDuplicates.add(sent);
				}
			}
		}
	}

	/**
	 * Delivers as Kratos does: up to three attempts, waits of 1 s and 2 s, the same
	 * trigger id each time.
	 */
	private UUID deliver(Sent sent) {
		boolean admin = sent.path().startsWith("/admin/");
		// round-robin; a retry goes to the next instance, as a load balancer retries on
		// the next upstream
		int first = this.nextIngest.getAndIncrement();
		for (int attempt = 0; attempt < 3; attempt++) {
			if (attempt > 0) {
				Machine.pause(Duration.ofSeconds(attempt).toMillis());
			}
			HttpRequest.Builder request = HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:"
						+ this.ingestPorts.get(Math.floorMod(first + attempt, this.ingestCount)) + sent.path()))
				.timeout(Duration.ofSeconds(30))
				.header("Content-Type", "application/json")
				.header(admin ? "X-Admin-Key" : "X-Webhook-Key", sent.key())
				.header(admin ? "Idempotency-Key" : "Ory-Webhook-Trigger-ID", sent.triggerId())
				.POST(HttpRequest.BodyPublishers.ofString(sent.body()));
			this.requests.incrementAndGet();
			try {
				HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
				this.statuses.computeIfAbsent(response.statusCode(), (s) -> new AtomicInteger()).incrementAndGet();
				if (response.statusCode() == 202) {
					Matcher matcher = EVENT_ID.matcher(response.body());
					if (matcher.find()) {
						return UUID.fromString(matcher.group(1));
					}
				}
				if (response.statusCode() < 500 && response.statusCode() != 429) {
					return null;
				}
			}
			catch (IOException ex) {
				this.statuses.computeIfAbsent(-1, (s) -> new AtomicInteger()).incrementAndGet();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return null;
			}
		}
		return null;
	}

	private void drain(JdbcClient jdbc) {
		log.info("Load done; waiting for the worker to apply every acknowledged event and run every revocation");
		long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
		long last = -1;
		while (System.nanoTime() < deadline) {
			long applied = jdbc.sql("SELECT count(*) FROM processed_events").query(Long.class).single();
			long pending = jdbc.sql("SELECT count(*) FROM kratos_actions WHERE status = 'pending'")
				.query(Long.class)
				.single();
			if (applied >= this.acknowledged.size() && pending == 0) {
				return;
			}
			if (applied != last) {
				log.info("Applied {} of {} acknowledged events, {} revocations pending", applied,
						this.acknowledged.size(), pending);
				last = applied;
			}
			Machine.pause(Duration.ofSeconds(2).toMillis());
		}
		log.warn("Gave up waiting after 30 minutes");
	}

	private void report(JdbcClient jdbc, Duration load, Duration total) throws Exception {
		List<UUID> acked = List.copyOf(this.acknowledged);
		long applied = 0;
		for (int i = 0; i < acked.size(); i += 5000) {
			applied += jdbc.sql("SELECT count(*) FROM processed_events WHERE event_id IN (:ids)")
				.param("ids", acked.subList(i, Math.min(acked.size(), i + 5000)))
				.query(Long.class)
				.single();
		}
		long inboxRows = jdbc.sql("SELECT count(*) FROM processed_events").query(Long.class).single();
		long records = TopicProbe.endOffsetSum(this.kafka.bootstrapServers(), Topics.IDENTITY_EVENTS.name());
		long revocationsDone = jdbc.sql("SELECT count(*) FROM kratos_actions WHERE status = 'done'")
			.query(Long.class)
			.single();
		long revocationsFailed = jdbc.sql("SELECT count(*) FROM kratos_actions WHERE status = 'failed'")
			.query(Long.class)
			.single();
		// the rows against the model of what was acknowledged
		long loginRowsOff = LastLogins.notStored(this.jdbcUrl, this.expectedLogins).size();
		long requirementRowsOff = requirementsNotStored(jdbc);
		// the side effects against the model: one effective DELETE per required identity,
		// none for anyone else
		List<KratosStub.Call> calls = this.kratos.calls();
		long deleteCalls = calls.stream().filter((c) -> c.method().equals("DELETE")).count();
		Map<UUID, Long> effective = new HashMap<>();
		calls.stream()
			.filter((c) -> c.method().equals("DELETE") && c.status() == 204 && !c.injected())
			.forEach((c) -> effective.merge(UUID.fromString(c.path().split("/")[3]), 1L, Long::sum));
		long doubled = effective.values().stream().filter((n) -> n > 1).count();
		long missing = this.requiredIdentities.stream().filter((id) -> !effective.containsKey(id)).count();
		long unexpected = effective.keySet().stream().filter((id) -> !this.requiredIdentities.contains(id)).count();

		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("instances: hook-ingest / sync-worker", this.ingestCount + " / " + this.workerCount);
		summary.put("webhooks (incl. admin requests)", this.webhooks);
		summary.put("HTTP requests (incl. Kratos-style retries)", this.requests.get());
		summary.put("answers by status", new TreeMap<>(this.statuses));
		summary.put("webhooks acknowledged (distinct events)", acked.size());
		summary.put("duplicate deliveries acknowledged", this.duplicateDeliveries.get());
		summary.put("webhooks refused after 3 attempts (never acknowledged)", this.refusedForGood.get());
		summary.put("admin requests refused after 3 attempts (Kratos or Kafka down)", this.adminRefusedForGood.get());
		summary.put("records on the topic", records);
		summary.put("events applied", applied);
		summary.put("duplicates suppressed (records - events applied)", records - inboxRows);
		summary.put("LOST (acknowledged, not applied)", acked.size() - applied);
		summary.put("ROWS NOT AS THE MODEL OF ACKNOWLEDGED EVENTS SAYS",
				loginRowsOff + requirementRowsOff + " (of " + this.expectedLogins.size() + " login and "
						+ this.requiredIdentities.size() + " requirement identities)");
		summary.put("Kratos revocations required (identities)", this.requiredIdentities.size());
		summary.put("Kratos revocations done / failed", revocationsDone + " / " + revocationsFailed);
		summary.put("Kratos DELETE calls made (incl. failed attempts)", deleteCalls);
		summary.put("identities whose sessions were deleted", effective.size());
		summary.put("REVOCATIONS MISSING / DOUBLED / UNEXPECTED", missing + " / " + doubled + " / " + unexpected);
		summary.put("load time / total time", load.toSeconds() + " s / " + total.toSeconds() + " s");
		summary.put("webhooks per second (load)",
				String.format("%.0f", this.webhooks / Math.max(1.0, load.toMillis() / 1000.0)));

		History history = history(jdbc, records, inboxRows);
		summary.putAll(history.summary());

		PrintStream out = System.out;
		out.println();
		out.println("kratos-sync soak summary");
		summary.forEach((k, v) -> out.printf("  %-52s %s%n", k, v));
		Path json = this.home.resolve("soak-summary.json");
		try (PrintWriter writer = new PrintWriter(Files.newBufferedWriter(json))) {
			writer.println(new tools.jackson.databind.json.JsonMapper().writerWithDefaultPrettyPrinter()
				.writeValueAsString(summary));
		}
		out.println("  (also in " + json + ")");
		boolean ok = acked.size() == applied && loginRowsOff + requirementRowsOff == 0
				&& missing + doubled + unexpected == 0 && revocationsFailed == 0 && history.same();
		out.println(ok ? "RESULT: nothing lost, nothing applied twice, rows and revocations as acknowledged"
				: "RESULT: FAILED");
		if (!ok) {
			System.exit(1);
		}
	}

	private record History(Map<String, Object> summary, boolean same) {
	}

	/**
	 * The history check, beside the live worker: {@code rebuild --compare} must find
	 * every row as the worker stored it; then the live drain on the same history, a fresh
	 * worker and database catching up the whole topic, for the rate to compare with.
	 */
	private History history(JdbcClient jdbc, long records, long events) throws Exception {
		Map<String, Object> summary = new LinkedHashMap<>();
		Path jar = ServiceProcess.jar(Path.of("").toAbsolutePath(), "sync-worker");
		log.info("History check: rebuild --compare beside the live worker");
		ServiceProcess.CommandRun rebuild = ServiceProcess.command("sync-worker", jar, this.workerEnv, "256m",
				(line) -> log.info("rebuild | {}", line), "rebuild", "--compare", "--json");
		log.info("rebuild --compare --json wrote:\n{}", rebuild.out());
		tools.jackson.databind.JsonNode result = new tools.jackson.databind.json.JsonMapper().readTree(rebuild.out());
		long rows = result.at("/comparison/rows").asLong();
		long different = result.at("/comparison/different").asLong(-1);
		double rebuildRate = result.get("recordsPerSecond").asDouble();
		summary.put("rebuild --compare: exit code", rebuild.exitCode());
		summary.put("REBUILD: ROWS DIFFERENT FROM THE LIVE STATE", different + " (of " + rows + " compared)");
		summary.put("rebuild: records read / seconds / records per second", result.get("recordsRead").asLong() + " / "
				+ result.at("/applyTook/seconds").asDouble() + " / " + Math.round(rebuildRate));

		log.info("History check: the live drain of the same history (a fresh worker and database)");
		jdbc.sql("CREATE DATABASE kratos_sync_drain").update();
		String drainDatabase = this.jdbcUrl.replace("/kratos_sync", "/kratos_sync_drain");
		Map<String, String> env = new HashMap<>(this.workerEnv);
		env.put("DATABASE_URL", drainDatabase);
		env.put("KAFKA_CONSUMER_GROUP", "soak-drain");
		env.put("SYNC_WORKER_PORT", Integer.toString(Machine.freePort()));
		JdbcClient drained = JdbcClient.create(new DriverManagerDataSource(drainDatabase, "postgres", "postgres"));
		try (ServiceProcess drainer = startService("sync-worker-drain", env)) {
			long firstCount = -1;
			long firstAt = 0;
			long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
			long count = 0;
			while (System.nanoTime() < deadline) {
				count = drained.sql("SELECT count(*) FROM processed_events").query(Long.class).single();
				if (firstCount < 0 && count > 0) {
					firstCount = count;
					firstAt = System.nanoTime();
				}
				if (count >= events) {
					break;
				}
				Machine.pause(100);
			}
			double seconds = (System.nanoTime() - firstAt) / 1e9;
			double drainRate = (count - firstCount) * ((double) records / events) / Math.max(1e-3, seconds);
			summary.put("live drain: records / seconds / records per second",
					records + " / " + String.format("%.1f", seconds) + " / " + Math.round(drainRate));
			summary.put("rebuild rate / live drain rate", String.format("%.2f", rebuildRate / drainRate));
		}
		return new History(summary, rebuild.exitCode() == 0 && different == 0 && rows > 0);
	}

	/** The required identities whose row does not say a password change is required. */
	private long requirementsNotStored(JdbcClient jdbc) {
		List<UUID> required = List.copyOf(this.requiredIdentities);
		long stored = 0;
		for (int i = 0; i < required.size(); i += 5000) {
			stored += jdbc
				.sql("SELECT count(*) FROM user_settings WHERE force_password_change AND identity_id IN (:ids)")
				.param("ids", required.subList(i, Math.min(required.size(), i + 5000)))
				.query(Long.class)
				.single();
		}
		return required.size() - stored;
	}

	private ServiceProcess startService(String name, Map<String, String> env) throws IOException {
		Path logFile = this.home.resolve(name + ".log");
		PrintWriter writer = new PrintWriter(
				Files.newBufferedWriter(logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
		// each instance (hook-ingest-2, the drain worker) runs its module's jar, under a
		// log of its own
		String module = name.startsWith("sync-worker") ? "sync-worker"
				: name.startsWith("hook-ingest") ? "hook-ingest" : name;
		ServiceProcess service = ServiceProcess.start(module, ServiceProcess.jar(Path.of("").toAbsolutePath(), module),
				env, "256m", writer::println);
		service.awaitReady(Duration.ofSeconds(120));
		log.info("{} ready (pid {}), log in {}", name, service.pid(), logFile);
		return service;
	}

}
