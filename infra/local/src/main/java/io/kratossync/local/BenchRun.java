package io.kratossync.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the stages of one bench run share: its directory (data, the services' logs, the
 * results), the figures in the order they were measured, the services' heaps and
 * environment, and the report at the end (a table on the console, JSON and the chart
 * beside it).
 */
final class BenchRun {

	/** The heap of the ingest (and of the trivial endpoint beside it). */
	static final String INGEST_HEAP = Machine.env("BENCH_INGEST_HEAP", "128m");

	/** The heap of the worker. */
	static final String WORKER_HEAP = Machine.env("BENCH_WORKER_HEAP", "96m");

	final Path home;

	final Map<String, Object> results = new LinkedHashMap<>();

	private final List<String> tables = new ArrayList<>();

	BenchRun(Path home) {
		this.home = home;
	}

	/** Adds a figure to the report. */
	void put(String name, Object value) {
		this.results.put(name, value);
	}

	/** Adds a table, printed after the figures. */
	void table(String title, String table) {
		this.tables.add(title + "\n" + table);
	}

	/**
	 * A service's environment; with {@code BENCH_PROFILE} set to a directory, the service
	 * also records a Java Flight Recording there (profile settings, written when it
	 * stops).
	 */
	static Map<String, String> serviceEnv(String name, Map<String, String> env) {
		String profile = Machine.env("BENCH_PROFILE", "");
		if (profile.isEmpty()) {
			return env;
		}
		Map<String, String> withProfile = new LinkedHashMap<>(env);
		withProfile.put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
				+ Path.of(profile).toAbsolutePath().resolve(name + "-" + System.nanoTime() + ".jfr"));
		return withProfile;
	}

	/** hook-ingest's environment with the bench's keys, on a port of its own. */
	static Map<String, String> ingestEnv(String bootstrap, Map<String, String> more) {
		Map<String, String> env = new LinkedHashMap<>(Map.of("HOOK_INGEST_PORT", Integer.toString(freePort()),
				"KAFKA_BOOTSTRAP_SERVERS", bootstrap, "WEBHOOK_API_KEYS", LoadGenerator.KEY, "ADMIN_API_KEYS",
				"bench-admin-key-0123456789abcdef", "METRICS_API_KEYS", Scrape.METRICS_KEY));
		env.putAll(more);
		return serviceEnv("hook-ingest", env);
	}

	/**
	 * The jar of a service: the one built in the repository, or the one named by
	 * {@code BENCH_INGEST_JAR} / {@code BENCH_WORKER_JAR} (to compare two builds in
	 * alternating runs).
	 */
	static Path jar(Path repo, String module) {
		String other = Machine.env(module.equals("hook-ingest") ? "BENCH_INGEST_JAR" : "BENCH_WORKER_JAR", "");
		return other.isEmpty() ? ServiceProcess.jar(repo, module) : Path.of(other);
	}

	/** Where a service's output goes: {@code <name>.log} beside the results. */
	Consumer<String> log(String name) throws IOException {
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

	static int freePort() {
		try {
			return Machine.freePort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The machine the figures were measured on, for the report and the chart. */
	static String machine() {
		return String.format("%d cores, %d MB max heap of the bench JVM, Java %s",
				Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
				System.getProperty("java.version"));
	}

	void report() throws IOException {
		PrintStream out = System.out;
		out.println();
		out.println("kratos-sync benchmarks (" + machine() + ")");
		this.results.forEach((k, v) -> {
			// the sweep's points are printed as their table
			if (!(v instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map)) {
				out.printf("  %-76s %s%n", k, v);
			}
		});
		this.tables.forEach((table) -> out.println("\n" + table));
		Path json = this.home.resolve("bench.json");
		Files.writeString(json, new tools.jackson.databind.json.JsonMapper().writerWithDefaultPrettyPrinter()
			.writeValueAsString(this.results), StandardCharsets.UTF_8);
		out.println("  (also in " + json + "; the services' output in " + this.home + "/*.log)");
	}

	static long round(double value) {
		return Math.round(value);
	}

	static String ratio(double value, double limit) {
		return String.format("%.2f", value / limit);
	}

}
