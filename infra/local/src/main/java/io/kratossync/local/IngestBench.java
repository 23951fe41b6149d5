package io.kratossync.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The ingest: a concurrency sweep beside the trivial WebFlux endpoint (the HTTP limit),
 * the synchronous STING handler and the Kafka producer alone; then its latency in an open
 * loop at half its saturation, and end to end with the worker applying the events at a
 * quarter of it.
 */
final class IngestBench {

	private static final Logger log = LoggerFactory.getLogger(IngestBench.class);

	private static final String PUBLISHED = "kratos_sync_publish_seconds";

	private final BenchRun run;

	private final List<Integer> levels = Arrays
		.stream(Machine.env("BENCH_SWEEP_CONCURRENCY", "1,8,32,128,512").split(","))
		.map(String::trim)
		.map(Integer::parseInt)
		.toList();

	private final Duration point = Duration
		.ofMillis((long) (1000 * Double.parseDouble(Machine.env("BENCH_SWEEP_SECONDS", "2"))));

	private final int rounds = Integer.parseInt(Machine.env("BENCH_SWEEP_ROUNDS", "2"));

	/**
	 * The longest time each endpoint is loaded before the sweep: services run for days,
	 * so the figures that matter are those after the JIT compiler has settled.
	 */
	private final Duration warmUp = Duration.ofSeconds(Long.parseLong(Machine.env("BENCH_WARMUP_SECONDS", "80")));

	/** The names of the targets in {@code BENCH_SWEEP_TARGETS}, in their order. */
	private static final List<String> TARGET_KEYS = List.of("ingest", "trivial", "sting", "producer");

	private static final Duration WARM_UP_STEP = Duration.ofSeconds(5);

	private final Duration latencyPhase = Duration
		.ofSeconds(Long.parseLong(Machine.env("BENCH_LATENCY_SECONDS", "15")));

	/** Threads (and database connections) of the STING handler. */
	private final int stingThreads = Integer.parseInt(Machine.env("BENCH_STING_THREADS", "32"));

	IngestBench(BenchRun run) {
		this.run = run;
	}

	/**
	 * Throughput is measured with the ingest alone on the machine (in production the
	 * worker runs elsewhere, and here it would take the same two cores); latency and end
	 * to end with the worker applying the events.
	 */
	void measure(Path repo, String bootstrap, Map<String, String> workerEnv, String appDb, String stingDb)
			throws Exception {
		int trivialPort = BenchRun.freePort();
		Map<String, String> ingestEnv = BenchRun.ingestEnv(bootstrap, Map.of());
		String ingestUrl = "http://127.0.0.1:" + ingestEnv.get("HOOK_INGEST_PORT") + "/hooks/kratos/login/password";
		String noopUrl = "http://127.0.0.1:" + trivialPort + "/noop";
		try (ServiceProcess ingest = ServiceProcess.start("hook-ingest", BenchRun.jar(repo, "hook-ingest"), ingestEnv,
				BenchRun.INGEST_HEAP, this.run.log("hook-ingest"));
				ServiceProcess trivial = ServiceProcess.start("trivial-webflux",
						ServiceProcess.jar(repo, "infra/local"),
						BenchRun.serviceEnv("trivial-webflux", Map.of("TRIVIAL_PORT", Integer.toString(trivialPort))),
						BenchRun.INGEST_HEAP, this.run.log("trivial-webflux"), "trivial-webflux");
				Baselines.Sting sting = new Baselines.Sting(stingDb, this.stingThreads);
				Baselines.ProducerAlone producer = new Baselines.ProducerAlone(bootstrap);
				LoadGenerator load = new LoadGenerator(64)) {
			ingest.awaitReady(Duration.ofSeconds(120));
			load.awaitAnswering(noopUrl, Duration.ofSeconds(120));
			String metricsUrl = "http://127.0.0.1:" + ingest.managementPort() + "/actuator/prometheus";
			List<ConcurrencySweep.Target> all = List.of(http("hook-ingest", ingestUrl, ingest.pid()),
					http("trivial WebFlux endpoint", noopUrl, trivial.pid()),
					http("STING handler (row in the request)", sting.url(), -1),
					new ConcurrencySweep.Target("Kafka producer alone", -1,
							(inFlight, duration, generator) -> producer.during(inFlight, duration)));
			List<String> chosen = List
				.of(Machine.env("BENCH_SWEEP_TARGETS", "ingest,trivial,sting,producer").split(","));
			List<ConcurrencySweep.Target> targets = new ArrayList<>();
			for (int i = 0; i < all.size(); i++) {
				if (chosen.contains(TARGET_KEYS.get(i))) {
					targets.add(all.get(i));
				}
			}
			for (ConcurrencySweep.Target target : targets) {
				List<Long> curve = warmUp(target, load);
				this.run.put("warm-up of " + target.name() + ", req/s per " + WARM_UP_STEP.toSeconds()
						+ " s at concurrency 32", curve);
			}
			log.info("Sweeping concurrency {} for {} per point, {} rounds", this.levels, this.point, this.rounds);
			List<ConcurrencySweep.Point> points = new ConcurrencySweep(targets, this.levels, Duration.ofMillis(500),
					this.point, this.rounds)
				.run(LoadGenerator::new);
			Map<String, ConcurrencySweep.Point> saturation = ConcurrencySweep.saturation(points);
			ConcurrencySweep.Point ingested = saturation.get("hook-ingest");
			ConcurrencySweep.Point trivially = saturation.get("trivial WebFlux endpoint");
			ConcurrencySweep.Point synchronous = saturation.get("STING handler (row in the request)");
			ConcurrencySweep.Point alone = saturation.get("Kafka producer alone");
			saturation.values()
				.forEach((p) -> this.run.put("saturation: " + p.target() + ", req/s (at concurrency " + p.concurrency()
						+ ", p99 " + String.format("%.1f", p.p99()) + " ms)", BenchRun.round(p.rate())));
			if (ingested != null && trivially != null) {
				this.run.put("ingest / trivial endpoint at saturation",
						BenchRun.ratio(ingested.rate(), trivially.rate()));
				this.run.put("CPU per request at saturation (ms): ingest / trivial endpoint",
						String.format("%.3f / %.3f (ratio %.2f)", ingested.cpuPerRequest(), trivially.cpuPerRequest(),
								ingested.cpuPerRequest() / trivially.cpuPerRequest()));
			}
			if (ingested != null && synchronous != null) {
				this.run.put("ingest / STING handler at saturation",
						BenchRun.ratio(ingested.rate(), synchronous.rate()));
			}
			if (ingested != null && alone != null) {
				this.run.put("ingest / Kafka producer alone at saturation",
						BenchRun.ratio(ingested.rate(), alone.rate()));
			}
			this.run.put("sweep", points.stream().map(ConcurrencySweep.Point::toMap).toList());
			this.run.table("Concurrency sweep (closed loop, as many connections as requests in flight; best of "
					+ this.rounds + " rounds of " + this.point.toMillis() + " ms per point)",
					ConcurrencySweep.table(points));
			Path chart = this.run.home.resolve("bench-sweep.png");
			SweepChart.write(points,
					"Webhooks: throughput against p99 latency, concurrency " + this.levels.get(0) + " to "
							+ this.levels.get(this.levels.size() - 1),
					BenchRun.machine() + "; closed loop, one connection per request in flight", chart);
			this.run.put("chart", chart.toString());
			if (this.latencyPhase.isZero() || ingested == null) {
				return;
			}

			// the latency of the ingest alone, at half its saturation: the worker is
			// stopped, as it was for the sweep
			double offered = ingested.rate() / 2;
			log.info("Measuring latency at {} req/s for {}, worker stopped", Math.round(offered), this.latencyPhase);
			CpuShares latencyCpu = new CpuShares(ingest.pid());
			Map<Double, Long> publishedBefore = Scrape.buckets(metricsUrl, PUBLISHED, "outcome=\"acknowledged\"");
			Histogram ingestLatency = load.openLoop(ingestUrl, offered, this.latencyPhase, null);
			String latencyCores = latencyCpu.sinceStart();
			Map<Double, Long> publishedAfter = Scrape.buckets(metricsUrl, PUBLISHED, "outcome=\"acknowledged\"");
			Histogram noopLatency = load.openLoop(noopUrl, offered, this.latencyPhase, null);
			this.run.put("offered rate for latency (half the ingest's saturation), req/s", BenchRun.round(offered));
			this.run.put("ingest latency p50 / p99 / p99.9 (ms), worker stopped", percentiles(ingestLatency));
			this.run.put("  of which waiting for Kafka's acknowledgement, p50 / p99 / p99.9 (ms, at most)",
					Scrape.quantiles(publishedBefore, publishedAfter));
			this.run.put("cores used during it: hook-ingest / bench JVM / rest", latencyCores);
			this.run.put("trivial endpoint latency p50 / p99 / p99.9 (ms)", percentiles(noopLatency));
			long accepted = publishedAfter.getOrDefault(Double.POSITIVE_INFINITY, 0L);

			try (ServiceProcess worker = ServiceProcess.start("sync-worker", BenchRun.jar(repo, "sync-worker"),
					workerEnv, BenchRun.WORKER_HEAP, this.run.log("sync-worker"))) {
				worker.awaitReady(Duration.ofSeconds(120));
				log.info("Waiting for the worker to apply the {} webhooks so far", accepted);
				WorkerBench.awaitProcessed(WorkerBench.jdbc(appDb), accepted, Duration.ofMinutes(3));
				// end to end under a steady load that both services can carry side by
				// side on this machine
				double steady = ingested.rate() / 4;
				log.info("Measuring end to end at {} req/s for {}, the worker applying the events", Math.round(steady),
						this.latencyPhase);
				List<long[]> acks = new ArrayList<>();
				CpuShares steadyCpu = new CpuShares(ingest.pid(), worker.pid());
				Histogram steadyLatency = load.openLoop(ingestUrl, steady, this.latencyPhase, acks);
				String steadyCores = steadyCpu.sinceStart();
				this.run.put("steady load for end to end (a quarter of the ingest's saturation), req/s",
						BenchRun.round(steady));
				this.run.put("end to end, 2xx to committed row, p50 / p99 (ms)",
						endToEnd(WorkerBench.jdbc(appDb), acks));
				this.run.put("  ingest latency meanwhile, p50 / p99 / p99.9 (ms)", percentiles(steadyLatency));
				this.run.put("cores used during it: hook-ingest / sync-worker / bench JVM / rest", steadyCores);
				this.run.put("hook-ingest peak RSS (MB), -Xmx" + BenchRun.INGEST_HEAP, Scrape.peakRssMb(ingest.pid()));
				this.run.put("trivial endpoint peak RSS (MB), -Xmx" + BenchRun.INGEST_HEAP,
						Scrape.peakRssMb(trivial.pid()));
				this.run.put("sync-worker peak RSS (MB) under ingest load, -Xmx" + BenchRun.WORKER_HEAP,
						Scrape.peakRssMb(worker.pid()));
			}
		}
	}

	/**
	 * Loads the target at concurrency 32 in steps of {@link #WARM_UP_STEP} until a step
	 * is no more than 3% faster than the best before it three times in a row (the JIT
	 * compilers have done their work), or {@code BENCH_WARMUP_SECONDS} have passed.
	 * @return the rate of each step
	 */
	private List<Long> warmUp(ConcurrencySweep.Target target, LoadGenerator load) throws Exception {
		log.info("Warming up {} at concurrency 32 (at most {})", target.name(), this.warmUp);
		List<Long> curve = new ArrayList<>();
		long end = System.nanoTime() + this.warmUp.toNanos();
		double best = 0;
		int flat = 0;
		while (System.nanoTime() < end && flat < 3) {
			double rate = target.run(32, WARM_UP_STEP, load).rate();
			curve.add(BenchRun.round(rate));
			flat = (rate <= best * 1.03) ? flat + 1 : 0;
			best = Math.max(best, rate);
		}
		log.info("Warm-up of {}: {} req/s per step", target.name(), curve);
		return curve;
	}

	private static ConcurrencySweep.Target http(String name, String url, long pid) {
		return new ConcurrencySweep.Target(name, pid,
				(inFlight, duration, generator) -> generator.during(url, inFlight, duration));
	}

	private static String endToEnd(JdbcClient jdbc, List<long[]> acks) {
		Histogram histogram = new Histogram(TimeUnit.SECONDS.toMillis(60), 3);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		for (long[] ack : acks) {
			java.util.UUID identity = new java.util.UUID(ack[0], ack[1]);
			java.time.OffsetDateTime committed = null;
			while (committed == null && System.nanoTime() < deadline) {
				committed = jdbc.sql("SELECT updated_at FROM user_settings WHERE identity_id = ?")
					.param(identity)
					.query(java.time.OffsetDateTime.class)
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

	static String percentiles(Histogram h) {
		return String.format("%.1f / %.1f / %.1f", h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
				h.getValueAtPercentile(99.9) / 1e6);
	}

}
