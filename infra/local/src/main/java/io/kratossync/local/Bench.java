package io.kratossync.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;
import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityId;
import io.kratossync.events.LoggedIn;
import io.kratossync.events.Topics;
import io.kratossync.testing.Fixtures;
import io.kratossync.testing.KratosStub;
import io.kratossync.testing.LastLogins;
import io.netty.handler.codec.http.HttpMethod;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Benchmarks of every stage, each printed beside the limit of this machine measured in
 * the same run: the ingest against a trivial endpoint that answers without Kafka, and
 * against the synchronous handler a team would otherwise write (update the row in the
 * request); publishing against the Kafka producer alone; the worker against plain JDBC
 * batch upserts. Loopback only, bounded in count and time.
 */
public final class Bench {

	private static final Logger log = LoggerFactory.getLogger(Bench.class);

	private static final String KEY = "bench-webhook-key-0123456789abcdef";

	/** The key the bench scrapes the ingest's metrics with, on its management port. */
	static final String METRICS_KEY = "bench-metrics-key-0123456789abcdef";

	/** The heap of the ingest (and of the trivial endpoint beside it). */
	private static final String INGEST_HEAP = Machine.env("BENCH_INGEST_HEAP", "128m");

	/** The heap of the worker. */
	private static final String WORKER_HEAP = Machine.env("BENCH_WORKER_HEAP", "96m");

	private final List<String> stages = List.of(Machine.env("BENCH_STAGES", "ingest,worker,inbox,cdc").split(","));

	private final int requests = Integer.parseInt(Machine.env("BENCH_REQUESTS", "20000"));

	/**
	 * Requests sent to each endpoint before it is measured: services run for days, so the
	 * figures that matter are those after the JIT compiler has settled (with fewer, it
	 * was still taking a fifth of the ingest's CPU).
	 */
	private final int warmUp = Integer.parseInt(Machine.env("BENCH_WARMUP", "20000"));

	private final int concurrency = Integer.parseInt(Machine.env("BENCH_CONCURRENCY", "32"));

	/** Throughput rounds per endpoint, taking turns; the best is reported. */
	private final int rounds = Integer.parseInt(Machine.env("BENCH_ROUNDS", "8"));

	private final int events = Integer.parseInt(Machine.env("BENCH_EVENTS", "200000"));

	private final Duration latencyPhase = Duration
		.ofSeconds(Long.parseLong(Machine.env("BENCH_LATENCY_SECONDS", "20")));

	private final String body = Fixtures.text("kratos/login-after.ctx.json");

	/**
	 * The load generator's client: at most 64 kept-alive connections, as a Kratos fleet
	 * reuses its own; requests beyond them wait in the client, and that wait counts in
	 * their latency. With a connection per waiting request (512 allowed), a hiccup of the
	 * ingest opened hundreds of connections at once and the p99.9 went to seconds.
	 */
	private final HttpClient load = HttpClient
		.create(ConnectionProvider.builder("bench").maxConnections(64).pendingAcquireMaxCount(-1).build());

	private final Map<String, Object> results = new LinkedHashMap<>();

	public static void main(String[] args) throws Exception {
		new Bench().run();
		System.exit(0);
	}

	/** Where the bench keeps its data, the services' logs and the results. */
	private Path home;

	private void run() throws Exception {
		Path home = Files.createTempDirectory("kratos-sync-bench");
		this.home = home;
		EmbeddedPostgres.Builder postgresBuilder = EmbeddedPostgres.builder().setDataDirectory(home.resolve("pg"));
		String sharedBuffers = Machine.env("BENCH_PG_SHARED_BUFFERS", "");
		if (!sharedBuffers.isEmpty()) {
			postgresBuilder.setServerConfig("shared_buffers", sharedBuffers);
		}
		try (EmbeddedPostgres postgres = postgresBuilder.start();
				KafkaBroker kafka = new KafkaBroker(home.resolve("kafka"), Machine.freePort(), Machine.freePort());
				KratosStub kratos = KratosStub.start()) {
			kafka.start();
			String appDb = database(postgres, "kratos_sync");
			int workerPort = Machine.freePort();
			Map<String, String> workerEnv = serviceEnv("sync-worker",
					Map.of("SYNC_WORKER_PORT", Integer.toString(workerPort), "KAFKA_BOOTSTRAP_SERVERS",
							kafka.bootstrapServers(), "DATABASE_URL", appDb, "DATABASE_USER", "postgres",
							"DATABASE_PASSWORD", "postgres", "KRATOS_ADMIN_URL", kratos.url(), "KRATOS_PUBLIC_URL",
							kratos.url()));
			Path repo = Path.of("").toAbsolutePath();
			if (this.stages.contains("ingest")) {
				ingestStage(repo, kafka.bootstrapServers(), workerEnv, workerPort, appDb, database(postgres, "sting"));
			}
			if (this.stages.contains("worker")) {
				workerStage(kafka.bootstrapServers(), appDb, workerEnv, repo, database(postgres, "jdbc_baseline"));
			}
			if (this.stages.contains("cdc")) {
				cdcStage(repo, kafka.bootstrapServers());
			}
			if (this.stages.contains("inbox")) {
				this.results
					.putAll(InboxGrowth.measure(database(postgres, "inbox_growth"), List.of(0, 1_000_000, 3_000_000)));
			}
			report(home);
		}
	}

	/**
	 * A service's environment; with {@code BENCH_PROFILE} set to a directory, the service
	 * also records a Java Flight Recording there (profile settings, written when it
	 * stops).
	 */
	private static Map<String, String> serviceEnv(String name, Map<String, String> env) {
		String profile = Machine.env("BENCH_PROFILE", "");
		if (profile.isEmpty()) {
			return env;
		}
		Map<String, String> withProfile = new LinkedHashMap<>(env);
		withProfile.put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
				+ Path.of(profile).toAbsolutePath().resolve(name + "-" + System.nanoTime() + ".jfr"));
		return withProfile;
	}

	private static JdbcClient jdbc(String url) {
		return JdbcClient.create(new DriverManagerDataSource(url, "postgres", "postgres"));
	}

	// ---- ingest: throughput and latency, beside a trivial endpoint and the synchronous
	// STING-style handler

	/**
	 * Throughput is measured with the ingest alone on the machine (in production the
	 * worker runs elsewhere, and here it would take the same two cores); latency and end
	 * to end with the worker applying the events.
	 */
	private void ingestStage(Path repo, String bootstrap, Map<String, String> workerEnv, int workerPort, String appDb,
			String stingDb) throws Exception {
		int ingestPort = Machine.freePort();
		int trivialPort = Machine.freePort();
		DisposableServer netty = reactor.netty.http.server.HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.post("/noop",
					(request, response) -> request.receive()
						.aggregate()
						.then(response.status(200).sendString(Mono.just("{}")).then())))
			.bindNow();
		String nettyUrl = "http://127.0.0.1:" + netty.port() + "/noop";
		String noopUrl = "http://127.0.0.1:" + trivialPort + "/noop";
		HttpServer sting = stingHandler(stingDb);
		String stingUrl = "http://127.0.0.1:" + sting.getAddress().getPort() + "/hooks/kratos/login/password";
		String ingestUrl = "http://127.0.0.1:" + ingestPort + "/hooks/kratos/login/password";
		try (ServiceProcess ingest = ServiceProcess.start("hook-ingest", ServiceProcess.jar(repo, "hook-ingest"),
				serviceEnv("hook-ingest",
						Map.of("HOOK_INGEST_PORT", Integer.toString(ingestPort), "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
								"WEBHOOK_API_KEYS", KEY, "ADMIN_API_KEYS", "bench-admin-key-0123456789abcdef",
								"METRICS_API_KEYS", METRICS_KEY)),
				INGEST_HEAP, log("hook-ingest"));
				ServiceProcess trivial = ServiceProcess.start("trivial-webflux",
						ServiceProcess.jar(repo, "infra/local"), Map.of("TRIVIAL_PORT", Integer.toString(trivialPort)),
						INGEST_HEAP, log("trivial-webflux"), "trivial-webflux")) {
			ingest.awaitReady(Duration.ofSeconds(120));
			awaitAnswering(noopUrl, Duration.ofSeconds(120));
			warmUp(ingestUrl);
			warmUp(noopUrl);
			warmUp(nettyUrl);
			warmUp(stingUrl);
			log.info("Measuring throughput: {} rounds of {} requests per endpoint, concurrency {}", this.rounds,
					this.requests, this.concurrency);
			List<Round> ingestRounds = new ArrayList<>();
			List<Round> trivialRounds = new ArrayList<>();
			List<Round> nettyRounds = new ArrayList<>();
			List<Round> stingRounds = new ArrayList<>();
			// the endpoints take turns, so that a slow moment of the machine does not
			// fall on one of them alone
			for (int round = 0; round < this.rounds; round++) {
				ingestRounds.add(measure(ingestUrl, ingest.pid()));
				trivialRounds.add(measure(noopUrl, trivial.pid()));
				nettyRounds.add(measure(nettyUrl, ProcessHandle.current().pid()));
				stingRounds.add(measure(stingUrl, ProcessHandle.current().pid()));
			}
			Round ingested = best(ingestRounds);
			Round trivially = best(trivialRounds);
			double ingestRate = ingested.rate();
			double noopRate = trivially.rate();
			double nettyRate = best(nettyRounds).rate();
			double stingRate = best(stingRounds).rate();
			this.results.put("ingest webhooks/s (concurrency " + this.concurrency + ", worker stopped), best of "
					+ this.rounds + " rounds", round(ingestRate));
			this.results.put("  ingest rounds, webhooks/s", rates(ingestRounds));
			this.results.put("cores used during it: hook-ingest / bench JVM (load generator, broker) / rest",
					ingested.cores());
			this.results.put("trivial WebFlux endpoint, own process, no Kafka (HTTP limit), best", round(noopRate));
			this.results.put("  trivial endpoint rounds, req/s", rates(trivialRounds));
			this.results.put("cores used during it: trivial endpoint / bench JVM / rest", trivially.cores());
			this.results.put("ingest / HTTP limit", ratio(ingestRate, noopRate));
			this.results.put("CPU per request (ms): ingest / trivial WebFlux endpoint", String.format("%.2f / %.2f",
					1000 * ingested.serviceCores() / ingestRate, 1000 * trivially.serviceCores() / noopRate));
			this.results.put("bare Reactor Netty handler inside the bench JVM, no Spring", round(nettyRate));
			this.results.put("synchronous handler updating the row in the request (STING)", round(stingRate));
			this.results.put("ingest / STING handler", ratio(ingestRate, stingRate));
			producerBaseline(bootstrap, ingestRate);
			if (this.latencyPhase.isZero()) {
				return;
			}

			// the latency of the ingest alone, at half the maximum it reached alone: the
			// worker is stopped, as it was
			// for the maximum (on this machine it would take its cores from the ingest)
			double offered = ingestRate / 2;
			log.info("Measuring latency at {} req/s for {}, worker stopped", Math.round(offered), this.latencyPhase);
			CpuShares latencyCpu = new CpuShares(ingest.pid());
			String metricsUrl = "http://127.0.0.1:" + ingest.managementPort() + "/actuator/prometheus";
			Map<Double, Long> publishedBefore = publishBuckets(metricsUrl);
			Histogram ingestLatency = latency(ingestUrl, offered, null);
			String latencyCores = latencyCpu.sinceStart();
			String publishTimes = quantiles(publishedBefore, publishBuckets(metricsUrl));
			Histogram noopLatency = latency(noopUrl, offered, null);
			this.results.put("offered rate for latency (half the ingest maximum), req/s", round(offered));
			this.results.put("ingest latency p50 / p99 / p99.9 (ms), worker stopped", percentiles(ingestLatency));
			this.results.put("  of which waiting for Kafka's acknowledgement, p50 / p99 / p99.9 (ms, at most)",
					publishTimes);
			this.results.put("cores used during it: hook-ingest / bench JVM / rest", latencyCores);
			this.results.put("trivial endpoint latency p50 / p99 / p99.9 (ms)", percentiles(noopLatency));

			try (ServiceProcess worker = ServiceProcess.start("sync-worker", ServiceProcess.jar(repo, "sync-worker"),
					workerEnv, WORKER_HEAP, log("sync-worker"))) {
				worker.awaitReady(Duration.ofSeconds(120));
				long accepted = this.warmUp + (long) this.rounds * this.requests + ingestLatency.getTotalCount();
				log.info("Waiting for the worker to apply the {} webhooks so far", accepted);
				awaitProcessed(jdbc(appDb), accepted, Duration.ofMinutes(3));
				// end to end under a steady load that both services can carry side by
				// side on this machine
				double steady = ingestRate / 4;
				log.info("Measuring end to end at {} req/s for {}, the worker applying the events", Math.round(steady),
						this.latencyPhase);
				List<long[]> acks = new ArrayList<>();
				CpuShares steadyCpu = new CpuShares(ingest.pid(), worker.pid());
				Histogram steadyLatency = latency(ingestUrl, steady, acks);
				String steadyCores = steadyCpu.sinceStart();
				this.results.put("steady load for end to end (a quarter of the ingest maximum), req/s", round(steady));
				this.results.put("end to end, 2xx to committed row, p50 / p99 (ms)", endToEnd(jdbc(appDb), acks));
				this.results.put("  ingest latency meanwhile, p50 / p99 / p99.9 (ms)", percentiles(steadyLatency));
				this.results.put("cores used during it: hook-ingest / sync-worker / bench JVM / rest", steadyCores);
				this.results.put("hook-ingest peak RSS (MB), -Xmx" + INGEST_HEAP, peakRssMb(ingest.pid()));
				this.results.put("sync-worker peak RSS (MB) under ingest load, -Xmx" + WORKER_HEAP,
						peakRssMb(worker.pid()));
			}
		}
		finally {
			netty.disposeNow();
			sting.stop(0);
		}
	}

	/** Where a service's output goes: {@code <name>.log} beside the results. */
	/**
	 * Change data capture ({@link CdcBench}); hook-ingest runs as in production, here
	 * with the source on and the broker of the other stages.
	 */
	private void cdcStage(Path repo, String bootstrap) throws Exception {
		List<ServiceProcess> started = new ArrayList<>();
		try {
			new CdcBench(this.home, bootstrap, this.results, (cdcEnv) -> {
				Map<String, String> env = new HashMap<>(Map.of("HOOK_INGEST_PORT", Integer.toString(freePort()),
						"KAFKA_BOOTSTRAP_SERVERS", bootstrap, "WEBHOOK_API_KEYS", KEY, "ADMIN_API_KEYS",
						"bench-admin-key-0123456789abcdef", "METRICS_API_KEYS", METRICS_KEY));
				env.putAll(cdcEnv);
				try {
					ServiceProcess ingest = ServiceProcess.start("hook-ingest", ServiceProcess.jar(repo, "hook-ingest"),
							serviceEnv("hook-ingest", env), INGEST_HEAP, log("hook-ingest-cdc"));
					started.add(ingest);
					ingest.awaitReady(Duration.ofSeconds(120));
					return ingest;
				}
				catch (IOException ex) {
					throw new java.io.UncheckedIOException(ex);
				}
			}).run();
			for (ServiceProcess ingest : started) {
				this.results.put("cdc: hook-ingest peak RSS MB (heap " + INGEST_HEAP + ")", peakRssMb(ingest.pid()));
			}
		}
		finally {
			started.forEach(ServiceProcess::close);
		}
	}

	private static int freePort() {
		try {
			return Machine.freePort();
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private Consumer<String> log(String name) throws IOException {
		Writer writer = Files.newBufferedWriter(this.home.resolve(name + ".log"), StandardCharsets.UTF_8);
		return (line) -> {
			synchronized (writer) {
				try {
					writer.write(line);
					writer.write('\n');
					writer.flush();
				}
				catch (IOException ex) {
					// the log is an aid; the bench goes on without it
				}
			}
		};
	}

	/** Creates a topic unless it exists (the services create theirs when they start). */
	private static void createTopic(String bootstrap, NewTopic topic) throws Exception {
		try (Admin admin = Admin.create(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
			if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic.name())) {
				admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
			}
		}
	}

	/** Events in the inbox; 0 before the worker first ran its migrations. */
	private static long processed(JdbcClient jdbc) {
		if (jdbc.sql("SELECT to_regclass('processed_events') IS NULL").query(Boolean.class).single()) {
			return 0;
		}
		return jdbc.sql("SELECT count(*) FROM processed_events").query(Long.class).single();
	}

	/**
	 * Every identity's row holds its latest login, whatever the order and duplication of
	 * the events.
	 */
	private static String checkLatest(String url, Map<UUID, Instant> latest) {
		int wrong = LastLogins.notStored(url, latest).size();
		if (wrong > 0) {
			throw new IllegalStateException(
					wrong + " of " + latest.size() + " identities do not hold their latest login");
		}
		return latest.size() + " of " + latest.size();
	}

	private static void awaitProcessed(JdbcClient jdbc, long expected, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (processed(jdbc) < expected) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("the worker did not apply " + expected + " events within " + timeout);
			}
			Machine.pause(200);
		}
	}

	private void awaitAnswering(String url, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			try {
				if (send(url).get(5, TimeUnit.SECONDS) == 200) {
					return;
				}
			}
			catch (Exception ex) {
				// not listening yet
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(url + " did not answer within " + timeout);
			}
			Machine.pause(200);
		}
	}

	private void warmUp(String url) throws Exception {
		run(url, this.warmUp);
	}

	private double throughput(String url) throws Exception {
		long start = System.nanoTime();
		run(url, this.requests);
		return this.requests / ((System.nanoTime() - start) / 1e9);
	}

	/**
	 * One round of the throughput of an endpoint.
	 *
	 * @param rate requests answered per second
	 * @param serviceCores cores the endpoint's process used
	 * @param cores cores of the endpoint's process, of this JVM and of the rest
	 */
	private record Round(double rate, double serviceCores, String cores) {
	}

	private Round measure(String url, long pid) throws Exception {
		CpuShares cpu = new CpuShares(pid);
		double rate = throughput(url);
		return new Round(rate, cpu.serviceCores(), cpu.sinceStart());
	}

	/**
	 * The fastest round: the JIT compilers still work during the first ones (the rounds
	 * are printed).
	 */
	private static Round best(List<Round> rounds) {
		return rounds.stream().max(Comparator.comparingDouble(Round::rate)).orElseThrow();
	}

	private static String rates(List<Round> rounds) {
		StringJoiner rates = new StringJoiner(" / ");
		rounds.forEach((r) -> rates.add(Long.toString(round(r.rate()))));
		return rates.toString();
	}

	/**
	 * Closed loop: {@code concurrency} requests in flight until {@code count} are
	 * answered 2xx.
	 */
	private void run(String url, int count) throws Exception {
		Semaphore inFlight = new Semaphore(this.concurrency);
		AtomicInteger failures = new AtomicInteger();
		for (int i = 0; i < count; i++) {
			inFlight.acquire();
			send(url).whenComplete((r, ex) -> {
				count(failures, r, ex);
				inFlight.release();
			});
		}
		// all answered once every permit is back
		inFlight.acquire(this.concurrency);
		requireNoFailures(url, failures);
	}

	/** Counts an answer that is not 2xx, or no answer at all. */
	private static void count(AtomicInteger failures, Integer status, Throwable ex) {
		if (ex != null || status >= 300) {
			failures.incrementAndGet();
		}
	}

	/**
	 * A figure measured over failed requests would flatter the endpoint: the phase fails
	 * instead.
	 */
	private static void requireNoFailures(String url, AtomicInteger failures) {
		if (failures.get() > 0) {
			throw new IllegalStateException(failures.get() + " requests to " + url + " failed");
		}
	}

	/**
	 * Open loop at a fixed rate; latency is measured from the intended send time (no
	 * coordinated omission).
	 */
	private Histogram latency(String url, double rate, List<long[]> acks) throws Exception {
		Histogram histogram = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(30), 3);
		long interval = (long) (1e9 / rate);
		long start = System.nanoTime();
		long end = start + this.latencyPhase.toNanos();
		Semaphore answered = new Semaphore(0);
		AtomicInteger failures = new AtomicInteger();
		ConcurrentLinkedQueue<long[]> sampled = new ConcurrentLinkedQueue<>();
		int i = 0;
		for (long due = start; due < end; due += interval, i++) {
			long wait = due - System.nanoTime();
			if (wait > 0) {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			long intended = due;
			boolean sample = acks != null && i % 20 == 0;
			UUID identity = UUID.randomUUID();
			send(url, identity).whenComplete((r, ex) -> {
				histogram.recordValue(Math.min(System.nanoTime() - intended, histogram.getHighestTrackableValue()));
				count(failures, r, ex);
				if (sample && r != null && r == 202) {
					sampled.add(new long[] { identity.getMostSignificantBits(), identity.getLeastSignificantBits(),
							System.currentTimeMillis() });
				}
				answered.release();
			});
		}
		answered.acquire(i);
		requireNoFailures(url, failures);
		if (acks != null) {
			acks.addAll(sampled);
		}
		return histogram;
	}

	private String endToEnd(JdbcClient jdbc, List<long[]> acks) {
		Histogram histogram = new Histogram(TimeUnit.SECONDS.toMillis(60), 3);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		for (long[] ack : acks) {
			UUID identity = new UUID(ack[0], ack[1]);
			OffsetDateTime committed = null;
			while (committed == null && System.nanoTime() < deadline) {
				committed = jdbc.sql("SELECT updated_at FROM user_settings WHERE identity_id = ?")
					.param(identity)
					.query(OffsetDateTime.class)
					.optional()
					.orElse(null);
				if (committed == null) {
					Machine.pause(20);
				}
			}
			if (committed != null) {
				histogram.recordValue(Math.max(0, committed.toInstant().toEpochMilli() - ack[2]));
			}
		}
		return histogram.getValueAtPercentile(50) + " / " + histogram.getValueAtPercentile(99) + "  ("
				+ histogram.getTotalCount() + " samples; row time is the transaction's now())";
	}

	private CompletableFuture<Integer> send(String url) {
		return send(url, UUID.randomUUID());
	}

	/**
	 * Sends a webhook of the identity and completes with the status once the answer is
	 * read. Reactor Netty's client over a pool of kept-alive connections: it costs less
	 * CPU per request than the JDK's HttpClient, and leaves more of the two cores to what
	 * it measures.
	 */
	private CompletableFuture<Integer> send(String url, UUID identity) {
		byte[] body = this.body.replace("3a5293f1-f4d6-49f4-b34f-6da62c360604", identity.toString())
			.getBytes(StandardCharsets.UTF_8);
		String triggerId = UUID.randomUUID().toString();
		return this.load.request(HttpMethod.POST).uri(url).send((request, out) -> {
			request.header("Content-Type", "application/json")
				.header("X-Webhook-Key", KEY)
				.header("Ory-Webhook-Trigger-ID", triggerId)
				.header("Content-Length", Integer.toString(body.length));
			return out.sendByteArray(Mono.just(body));
		}).responseSingle((response, content) -> content.then(Mono.just(response.status().code()))).toFuture();
	}

	/**
	 * The handler the STING design describes: a synchronous endpoint that parses the
	 * webhook and updates the application row in the request, one pooled connection per
	 * worker thread.
	 */
	private HttpServer stingHandler(String url) throws IOException {
		try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres");
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS user_settings (identity_id uuid PRIMARY KEY, "
					+ "last_login_at timestamptz, updated_at timestamptz NOT NULL DEFAULT now())");
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		ThreadLocal<Connection> connections = ThreadLocal.withInitial(() -> {
			try {
				return DriverManager.getConnection(url, "postgres", "postgres");
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		});
		tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
		server.createContext("/", (exchange) -> {
			try (exchange) {
				var ctx = json.readTree(exchange.getRequestBody().readAllBytes());
				try (PreparedStatement update = connections.get()
					.prepareStatement("INSERT INTO user_settings (identity_id, last_login_at) VALUES (?, ?) "
							+ "ON CONFLICT (identity_id) DO UPDATE SET last_login_at = EXCLUDED.last_login_at, updated_at = now()")) {
					update.setObject(1, UUID.fromString(ctx.path("identity").path("id").asString()));
					update.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
					update.executeUpdate();
				}
				exchange.sendResponseHeaders(200, -1);
			}
			catch (SQLException ex) {
				exchange.sendResponseHeaders(500, -1);
			}
		});
		server.setExecutor(Executors.newFixedThreadPool(this.concurrency));
		server.start();
		return server;
	}

	// ---- publishing: the Kafka producer alone, same record size, same number in flight

	private void producerBaseline(String bootstrap, double ingest) throws Exception {
		createTopic(bootstrap, new NewTopic("bench.producer-baseline", 6, (short) 1));
		Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
				ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
				ProducerConfig.LINGER_MS_CONFIG, 2);
		try (KafkaProducer<String, EventEnvelope> producer = new KafkaProducer<>(props,
				Topics.IDENTITY_EVENTS.keySerde().serializer(), Topics.IDENTITY_EVENTS.valueSerde().serializer())) {
			Semaphore inFlight = new Semaphore(this.concurrency);
			long start = System.nanoTime();
			for (int i = 0; i < this.requests; i++) {
				inFlight.acquire();
				EventEnvelope event = login(UUID.randomUUID(), i);
				producer.send(new ProducerRecord<>("bench.producer-baseline", event.subject().toString(), event),
						(metadata, ex) -> {
							inFlight.release();
							if (ex != null) {
								log.warn("Producer baseline send failed: {}", ex.getMessage());
							}
						});
			}
			producer.flush();
			double rate = this.requests / ((System.nanoTime() - start) / 1e9);
			this.results.put(
					"Kafka producer alone, acks=all, idempotent, " + this.concurrency + " in flight (broker limit)",
					round(rate));
			this.results.put("ingest / broker limit", ratio(ingest, rate));
		}
	}

	// ---- worker: drain a pre-filled topic, beside plain JDBC batch upserts

	private void workerStage(String bootstrap, String appDb, Map<String, String> workerEnv, Path repo,
			String baselineDb) throws Exception {
		JdbcClient jdbc = jdbc(appDb);
		int identities = Math.max(1, this.events / 4);
		List<EventEnvelope> batch = new ArrayList<>();
		UUID[] ids = new UUID[identities];
		for (int i = 0; i < identities; i++) {
			ids[i] = UUID.randomUUID();
		}
		createTopic(bootstrap, Topics.IDENTITY_EVENTS.toNewTopic(6));
		long before = processed(jdbc);
		int distinct = 0;
		Map<UUID, Instant> latest = new HashMap<>();
		Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
				ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 20);
		try (KafkaProducer<String, EventEnvelope> producer = new KafkaProducer<>(props,
				Topics.IDENTITY_EVENTS.keySerde().serializer(), Topics.IDENTITY_EVENTS.valueSerde().serializer())) {
			EventEnvelope previous = null;
			for (int i = 0; i < this.events; i++) {
				EventEnvelope event = (previous != null && i % 20 == 0) ? previous : login(ids[i % identities], i);
				if (event != previous) {
					distinct++;
					latest.put(ids[i % identities], ((LoggedIn) event.data()).loggedInAt());
				}
				producer.send(new ProducerRecord<>(Topics.IDENTITY_EVENTS.name(), event.subject().toString(), event));
				previous = event;
			}
		}
		log.info("Pre-filled the topic with {} events ({} distinct) over {} identities", this.events, distinct,
				identities);
		long expected = before + distinct;
		long start = System.nanoTime();
		// one consumer per partition pair: the six partitions over three threads, for two
		// cores
		Map<String, String> drainEnv = new LinkedHashMap<>(workerEnv);
		drainEnv.put("WORKER_CONCURRENCY", "3");
		try (ServiceProcess worker = ServiceProcess.start("sync-worker", ServiceProcess.jar(repo, "sync-worker"),
				drainEnv, WORKER_HEAP, log("sync-worker-drain"))) {
			// the drain is timed from the first event applied, so that the JVM's start-up
			// does not count
			long first;
			long firstCount;
			while ((firstCount = processed(jdbc)) == before) {
				Machine.pause(20);
				if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(2)) {
					throw new IllegalStateException("the worker applied nothing within 2 minutes");
				}
			}
			first = System.nanoTime();
			CpuShares cpu = new CpuShares(worker.pid());
			// the last 80% of the drain, once the JIT compiler has done most of its work
			long warmCount = before + distinct / 5;
			awaitProcessed(jdbc, warmCount, Duration.ofMinutes(8));
			long warm = System.nanoTime();
			long warmApplied = processed(jdbc);
			awaitProcessed(jdbc, expected, Duration.ofMinutes(8));
			long end = System.nanoTime();
			double rate = (expected - firstCount) / ((end - first) / 1e9);
			double warmRate = (expected - warmApplied) / ((end - warm) / 1e9);
			this.results.put("worker events applied/s draining " + this.events + " events (3 consumers)", round(rate));
			this.results.put("cores used during it: sync-worker / bench JVM / rest (PostgreSQL)", cpu.sinceStart());
			this.results.put("  of which the last 80% (JIT warm), events/s", round(warmRate));
			this.results.put("worker start to first event applied (s)", String.format("%.1f", (first - start) / 1e9));
			this.results.put("sync-worker peak RSS (MB) draining, -Xmx" + WORKER_HEAP, peakRssMb(worker.pid()));
			this.results.put("identities checked after the drain: latest login stored", checkLatest(appDb, latest));
			double baseline = jdbcBaseline(baselineDb, distinct, ids);
			this.results.put("plain JDBC batch upserts, 500 per transaction (database limit), rows/s", round(baseline));
			this.results.put("worker / database limit", ratio(rate, baseline));
			this.results.put("worker, last 80% of the drain / database limit", ratio(warmRate, baseline));
		}
	}

	private double jdbcBaseline(String url, int rows, UUID[] ids) throws Exception {
		try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres")) {
			try (Statement statement = connection.createStatement()) {
				statement
					.execute("CREATE TABLE user_settings (identity_id uuid PRIMARY KEY, last_login_at timestamptz, "
							+ "last_login_method text, last_login_aal text, updated_at timestamptz NOT NULL DEFAULT now())");
			}
			connection.setAutoCommit(false);
			long start = System.nanoTime();
			try (PreparedStatement upsert = connection.prepareStatement(
					"INSERT INTO user_settings AS s (identity_id, last_login_at, last_login_method, last_login_aal) VALUES (?, ?, ?, ?) "
							+ "ON CONFLICT (identity_id) DO UPDATE SET last_login_at = EXCLUDED.last_login_at, "
							+ "last_login_method = EXCLUDED.last_login_method, last_login_aal = EXCLUDED.last_login_aal, updated_at = now() "
							+ "WHERE s.last_login_at IS NULL OR s.last_login_at < EXCLUDED.last_login_at")) {
				for (int i = 0; i < rows; i++) {
					upsert.setObject(1, ids[i % ids.length]);
					upsert.setObject(2, OffsetDateTime.ofInstant(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i),
							ZoneOffset.UTC));
					upsert.setString(3, "password");
					upsert.setString(4, "aal1");
					upsert.addBatch();
					if (i % 500 == 499) {
						upsert.executeBatch();
						connection.commit();
					}
				}
				upsert.executeBatch();
				connection.commit();
			}
			return rows / ((System.nanoTime() - start) / 1e9);
		}
	}

	// ---- helpers

	private static EventEnvelope login(UUID identity, int i) {
		return new EventEnvelope(UUID.randomUUID(), "/bench", Instant.now(), new LoggedIn(new IdentityId(identity),
				Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i), "password", null, "aal1"));
	}

	private static String database(EmbeddedPostgres postgres, String name) throws Exception {
		try (Connection connection = postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		return postgres.getJdbcUrl("postgres", name);
	}

	/**
	 * Cores used by a service, by this JVM (load generator and broker) and by everything
	 * else, between its creation and {@link #sinceStart}, from {@code /proc} (Linux;
	 * "n/a" elsewhere).
	 */
	private static final class CpuShares {

		private final long[] pids;

		private final long[] start;

		CpuShares(long... pids) {
			this.pids = pids;
			this.start = sample();
		}

		/**
		 * Ticks of each service, of this JVM, of the whole machine (busy), then the time.
		 */
		private long[] sample() {
			long[] sample = new long[this.pids.length + 3];
			for (int i = 0; i < this.pids.length; i++) {
				sample[i] = ticks(this.pids[i]);
			}
			sample[this.pids.length] = ticks(ProcessHandle.current().pid());
			sample[this.pids.length + 1] = busyTicks();
			sample[this.pids.length + 2] = System.nanoTime();
			return sample;
		}

		/**
		 * Cores used by the first service since the start, or -1 where /proc cannot tell.
		 */
		double serviceCores() {
			long[] end = sample();
			return (end[0] < 0) ? -1 : cores(end, 0);
		}

		/**
		 * Cores used by the processes, by this JVM and by the rest of the machine since
		 * the start.
		 */
		String sinceStart() {
			long[] end = sample();
			int n = this.pids.length;
			StringJoiner cores = new StringJoiner(" / ");
			double rest = cores(end, n + 1);
			for (int i = 0; i <= n; i++) {
				if (end[i] < 0 || end[n + 1] < 0) {
					return "n/a";
				}
				double used = cores(end, i);
				rest -= used;
				cores.add(String.format("%.2f", used));
			}
			return cores.add(String.format("%.2f", Math.max(0, rest))) + " of "
					+ Runtime.getRuntime().availableProcessors();
		}

		/**
		 * Cores the ticks at {@code index} amount to, between the start and {@code end}.
		 */
		private double cores(long[] end, int index) {
			int time = this.pids.length + 2;
			return (end[index] - this.start[index]) / 100.0 / ((end[time] - this.start[time]) / 1e9);
		}

		/** utime + stime of a process, in clock ticks (100 per second on Linux). */
		private static long ticks(long pid) {
			try {
				String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
				String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
				return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			}
			catch (IOException | RuntimeException ex) {
				return -1;
			}
		}

		/** Non-idle time of the whole machine, in clock ticks. */
		private static long busyTicks() {
			try {
				String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
				long busy = 0;
				for (int i = 1; i < Math.min(fields.length, 9); i++) {
					if (i != 4 && i != 5) {
						busy += Long.parseLong(fields[i]);
					}
				}
				return busy;
			}
			catch (IOException | RuntimeException ex) {
				return -1;
			}
		}

	}

	/**
	 * The buckets of the ingest's own histogram of the time until Kafka acknowledged
	 * ({@code kratos_sync_publish_seconds}): count of events per upper bound in seconds.
	 */
	private Map<Double, Long> publishBuckets(String metricsUrl) {
		String metrics = this.load.headers((h) -> h.set("Authorization", "Bearer " + METRICS_KEY))
			.get()
			.uri(metricsUrl)
			.responseContent()
			.aggregate()
			.asString()
			.block(Duration.ofSeconds(10));
		Map<Double, Long> buckets = new TreeMap<>();
		Matcher bucket = Pattern.compile(
				"(?m)^kratos_sync_publish_seconds_bucket\\{[^}]*outcome=\"acknowledged\"[^}]*le=\"([^\"]+)\"[^}]*} ([0-9.E+]+)")
			.matcher(metrics);
		while (bucket.find()) {
			double le = bucket.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bucket.group(1));
			buckets.put(le, (long) Double.parseDouble(bucket.group(2)));
		}
		return buckets;
	}

	/**
	 * p50 / p99 / p99.9 of the events counted between two scrapes, as the upper bounds of
	 * their buckets.
	 */
	static String quantiles(Map<Double, Long> before, Map<Double, Long> after) {
		long total = after.getOrDefault(Double.POSITIVE_INFINITY, 0L)
				- before.getOrDefault(Double.POSITIVE_INFINITY, 0L);
		if (total <= 0) {
			return "n/a";
		}
		StringJoiner quantiles = new StringJoiner(" / ");
		for (double q : new double[] { 0.5, 0.99, 0.999 }) {
			for (Map.Entry<Double, Long> bucket : after.entrySet()) {
				if (bucket.getValue() - before.getOrDefault(bucket.getKey(), 0L) >= Math.ceil(q * total)) {
					quantiles.add(String.format("%.1f", bucket.getKey() * 1000));
					break;
				}
			}
		}
		return quantiles.toString();
	}

	private static long peakRssMb(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
				if (line.startsWith("VmHWM:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
				}
			}
		}
		catch (IOException ex) {
			// not Linux, or the process is gone
		}
		return -1;
	}

	private static String percentiles(Histogram h) {
		Function<Double, String> ms = (p) -> String.format("%.1f", h.getValueAtPercentile(p) / 1e6);
		return ms.apply(50.0) + " / " + ms.apply(99.0) + " / " + ms.apply(99.9);
	}

	private static long round(double value) {
		return Math.round(value);
	}

	private static String ratio(double value, double limit) {
		return String.format("%.2f", value / limit);
	}

	private void report(Path home) throws IOException {
		PrintStream out = System.out;
		out.println();
		out.printf("kratos-sync benchmarks (%d cores, %d MB max heap of the bench JVM, Java %s)%n",
				Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
				System.getProperty("java.version"));
		this.results.forEach((k, v) -> out.printf("  %-76s %s%n", k, v));
		Path json = home.resolve("bench.json");
		Files.writeString(json, new tools.jackson.databind.json.JsonMapper().writerWithDefaultPrettyPrinter()
			.writeValueAsString(this.results), StandardCharsets.UTF_8);
		out.println("  (also in " + json + "; the services' output in " + home + "/*.log)");
	}

}
