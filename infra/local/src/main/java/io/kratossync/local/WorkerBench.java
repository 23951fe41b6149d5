package io.kratossync.local;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.LoggedIn;
import io.kratossync.events.Topics;
import io.kratossync.testing.LastLogins;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The worker: a fresh worker drains a pre-filled topic (5% duplicates), beside plain JDBC
 * batch upserts of the same rows; then every identity's row is checked to hold its latest
 * login.
 */
final class WorkerBench {

	private static final Logger log = LoggerFactory.getLogger(WorkerBench.class);

	private final BenchRun run;

	private final int events = Integer.parseInt(Machine.env("BENCH_EVENTS", "200000"));

	WorkerBench(BenchRun run) {
		this.run = run;
	}

	void measure(String bootstrap, String appDb, Map<String, String> workerEnv, Path repo, String baselineDb)
			throws Exception {
		JdbcClient jdbc = jdbc(appDb);
		int identities = Math.max(1, this.events / 4);
		List<EventEnvelope> batch = new ArrayList<>();
		UUID[] ids = new UUID[identities];
		for (int i = 0; i < identities; i++) {
			ids[i] = UUID.randomUUID();
		}
		Baselines.createTopic(bootstrap, Topics.IDENTITY_EVENTS.toNewTopic(6));
		long before = processed(jdbc);
		int distinct = 0;
		Map<UUID, Instant> latest = new HashMap<>();
		Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
				ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 20);
		try (KafkaProducer<String, EventEnvelope> producer = new KafkaProducer<>(props,
				Topics.IDENTITY_EVENTS.keySerde().serializer(), Topics.IDENTITY_EVENTS.valueSerde().serializer())) {
			EventEnvelope previous = null;
			for (int i = 0; i < this.events; i++) {
				EventEnvelope event = (previous != null && i % 20 == 0) ? previous
						: Baselines.login(ids[i % identities], i);
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
		try (ServiceProcess worker = ServiceProcess.start("sync-worker", BenchRun.jar(repo, "sync-worker"), drainEnv,
				BenchRun.WORKER_HEAP, this.run.log("sync-worker-drain"))) {
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
			this.run.put("worker events applied/s draining " + this.events + " events (3 consumers)",
					BenchRun.round(rate));
			this.run.put("cores used during it: sync-worker / bench JVM / rest (PostgreSQL)", cpu.sinceStart());
			this.run.put("  of which the last 80% (JIT warm), events/s", BenchRun.round(warmRate));
			this.run.put("worker start to first event applied (s)", String.format("%.1f", (first - start) / 1e9));
			this.run.put("sync-worker peak RSS (MB) draining, -Xmx" + BenchRun.WORKER_HEAP,
					Scrape.peakRssMb(worker.pid()));
			this.run.put("identities checked after the drain: latest login stored", checkLatest(appDb, latest));
			double baseline = Baselines.jdbcBatchUpserts(baselineDb, distinct, ids);
			this.run.put("plain JDBC batch upserts, 500 per transaction (database limit), rows/s",
					BenchRun.round(baseline));
			this.run.put("worker / database limit", BenchRun.ratio(rate, baseline));
			this.run.put("worker, last 80% of the drain / database limit", BenchRun.ratio(warmRate, baseline));
		}
	}

	static JdbcClient jdbc(String url) {
		return JdbcClient.create(new DriverManagerDataSource(url, "postgres", "postgres"));
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

	static void awaitProcessed(JdbcClient jdbc, long expected, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (processed(jdbc) < expected) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("the worker did not apply " + expected + " events within " + timeout);
			}
			Machine.pause(200);
		}
	}

}
