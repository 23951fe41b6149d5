package io.kratossync.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kratossync.testing.KratosStub;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Benchmarks of every stage, each printed beside the limit of this machine measured in
 * the same run. The stages are pieces of their own: {@link IngestBench} (a concurrency
 * sweep of the ingest beside the trivial endpoint, the STING handler and the producer
 * alone, then latency and end to end), {@link WorkerBench} (a drain beside plain JDBC
 * batch upserts), {@link CdcBench} (change data capture beside the Debezium engine alone)
 * and {@link InboxGrowth}; they share the load generator ({@link LoadGenerator}), the
 * baselines ({@link Baselines}), CPU accounting ({@link CpuShares}), what is read off the
 * services ({@link Scrape}) and the report ({@link BenchRun}, {@link SweepChart}).
 * Loopback only, bounded in count and time.
 */
public final class Bench {

	private final List<String> stages = List.of(Machine.env("BENCH_STAGES", "ingest,worker,inbox,cdc").split(","));

	private final BenchRun run;

	private Bench(BenchRun run) {
		this.run = run;
	}

	public static void main(String[] args) throws Exception {
		// the JDK's HTTP server (the STING handler) closes idle connections beyond 200,
		// which the sweep's 512 callers would meet as closed connections
		System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
		new Bench(new BenchRun(Files.createTempDirectory("kratos-sync-bench"))).run();
		System.exit(0);
	}

	private void run() throws Exception {
		Path home = this.run.home;
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
			Map<String, String> workerEnv = BenchRun.serviceEnv("sync-worker",
					Map.of("SYNC_WORKER_PORT", Integer.toString(Machine.freePort()), "KAFKA_BOOTSTRAP_SERVERS",
							kafka.bootstrapServers(), "DATABASE_URL", appDb, "DATABASE_USER", "postgres",
							"DATABASE_PASSWORD", "postgres", "KRATOS_ADMIN_URL", kratos.url(), "KRATOS_PUBLIC_URL",
							kratos.url()));
			Path repo = Path.of("").toAbsolutePath();
			if (this.stages.contains("ingest")) {
				new IngestBench(this.run).measure(repo, kafka.bootstrapServers(), workerEnv, appDb,
						database(postgres, "sting"));
			}
			if (this.stages.contains("worker")) {
				new WorkerBench(this.run).measure(kafka.bootstrapServers(), appDb, workerEnv, repo,
						database(postgres, "jdbc_baseline"));
			}
			if (this.stages.contains("cdc")) {
				cdcStage(repo, kafka.bootstrapServers());
			}
			if (this.stages.contains("inbox")) {
				this.run.results
					.putAll(InboxGrowth.measure(database(postgres, "inbox_growth"), List.of(0, 1_000_000, 3_000_000)));
			}
			this.run.report();
		}
	}

	/**
	 * Change data capture ({@link CdcBench}); hook-ingest runs as in production, here
	 * with the source on and the broker of the other stages.
	 */
	private void cdcStage(Path repo, String bootstrap) throws Exception {
		List<ServiceProcess> started = new ArrayList<>();
		try {
			new CdcBench(this.run.home, bootstrap, this.run.results, (cdcEnv) -> {
				try {
					ServiceProcess ingest = ServiceProcess.start("hook-ingest", BenchRun.jar(repo, "hook-ingest"),
							BenchRun.ingestEnv(bootstrap, cdcEnv), BenchRun.INGEST_HEAP,
							this.run.log("hook-ingest-cdc"));
					started.add(ingest);
					ingest.awaitReady(Duration.ofSeconds(120));
					return ingest;
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}).run();
			for (ServiceProcess ingest : started) {
				this.run.put("cdc: hook-ingest peak RSS MB (heap " + BenchRun.INGEST_HEAP + ")",
						Scrape.peakRssMb(ingest.pid()));
			}
		}
		finally {
			started.forEach(ServiceProcess::close);
		}
	}

	private static String database(EmbeddedPostgres postgres, String name) throws Exception {
		try (Connection connection = postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		return postgres.getJdbcUrl("postgres", name);
	}

}
