package io.kratossync.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One kratos-sync service (hook-ingest or sync-worker) running from its jar in a process
 * of its own, exactly as in production: its memory is its own, and it can be stopped
 * gracefully or killed.
 */
public final class ServiceProcess implements AutoCloseable {

	/**
	 * The young generation of the ingest: half the heap, survivors a quarter of it each.
	 */
	static final List<String> INGEST_YOUNG_GENERATION = List.of("-XX:NewRatio=1", "-XX:SurvivorRatio=2");

	private final String name;

	private final Process process;

	private final int managementPort;

	private ServiceProcess(String name, Process process, int managementPort) {
		this.name = name;
		this.process = process;
		this.managementPort = managementPort;
	}

	/**
	 * The JVM options of a service on top of the common ones, then those of
	 * {@code SERVICE_JVM_OPTIONS}. The worker runs with the C1 compiler alone: it waits
	 * on the database, and C2's compilations took about half of its CPU while it drained
	 * a backlog, for code it did not need. The ingest (and the trivial endpoint measured
	 * beside it) keeps half its heap young, with large survivor spaces: nearly all it
	 * allocates belongs to one request, and at 512 callers the webhooks in flight
	 * overflowed the default survivor spaces into the old generation, which then filled
	 * about once a second (a full collection of about 100 ms each time) (README
	 * "Performance").
	 */
	static List<String> jvmOptions(String name) {
		List<String> options = new ArrayList<>();
		if (name.equals("sync-worker")) {
			options.add("-XX:TieredStopAtLevel=1");
		}
		if (name.equals("hook-ingest") || name.equals("trivial-webflux")) {
			options.addAll(INGEST_YOUNG_GENERATION);
		}
		String extra = System.getenv().getOrDefault("SERVICE_JVM_OPTIONS", "").trim();
		if (!extra.isEmpty()) {
			options.addAll(List.of(extra.split("\\s+")));
		}
		return options;
	}

	/**
	 * Starts a service.
	 * @param name the service name, e.g. {@code sync-worker}
	 * @param jar its executable jar
	 * @param env its environment (added to this process's); without
	 * {@code MANAGEMENT_PORT}, a free port is chosen
	 * @param heap the maximum heap, e.g. {@code 256m}
	 * @param lines where each line of its output goes
	 * @param args its arguments
	 * @return the running service
	 * @throws IOException if it cannot be started
	 */
	public static ServiceProcess start(String name, Path jar, Map<String, String> env, String heap,
			Consumer<String> lines, String... args) throws IOException {
		ProcessBuilder builder = builder(name, jar, env, heap, args);
		int managementPort = env.containsKey("MANAGEMENT_PORT") ? Integer.parseInt(env.get("MANAGEMENT_PORT"))
				: Machine.freePort();
		builder.environment().put("MANAGEMENT_PORT", Integer.toString(managementPort));
		builder.redirectErrorStream(true);
		Process process = builder.start();
		pump(name, process.getInputStream(), lines);
		return new ServiceProcess(name, process, managementPort);
	}

	/**
	 * What a command of a service's jar wrote on standard output, and its exit code.
	 *
	 * @param exitCode the exit code
	 * @param out its standard output
	 */
	public record CommandRun(int exitCode, String out) {
	}

	/**
	 * Runs a command of a service's jar (e.g. {@code rebuild --compare}) to its end.
	 * @param name the service name
	 * @param jar its executable jar
	 * @param env its environment (added to this process's)
	 * @param heap the maximum heap
	 * @param errLines where each line of its standard error goes
	 * @param args the command and its arguments
	 * @return its standard output and exit code
	 * @throws IOException if it cannot be started
	 * @throws InterruptedException if interrupted while it runs
	 */
	public static CommandRun command(String name, Path jar, Map<String, String> env, String heap,
			Consumer<String> errLines, String... args) throws IOException, InterruptedException {
		Process process = builder(name, jar, env, heap, args).start();
		Thread err = pump(name, process.getErrorStream(), errLines);
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		int code = process.waitFor();
		err.join(Duration.ofSeconds(5).toMillis());
		return new CommandRun(code, out);
	}

	private static ProcessBuilder builder(String name, Path jar, Map<String, String> env, String heap, String... args) {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
						"-XX:+UseSerialGC", "-Xss512k"));
		command.addAll(jvmOptions(name));
		command.addAll(List.of("-jar", jar.toString()));
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command);
		// glibc gives each thread that allocates its own malloc arena; two keep the
		// native memory of a service
		// with a few dozen threads from growing by tens of MB (README "Performance")
		builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
		// the local runs have one broker: one replica of each partition
		builder.environment().putIfAbsent("TOPIC_REPLICATION_FACTOR", "1");
		builder.environment().putIfAbsent("TOPIC_MIN_INSYNC_REPLICAS", "1");
		builder.environment().putAll(env);
		return builder;
	}

	private static Thread pump(String name, InputStream stream, Consumer<String> lines) {
		Thread pump = new Thread(() -> {
			try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					lines.accept(line);
				}
			}
			catch (IOException ex) {
				// the process ended
			}
		}, name + "-output");
		pump.setDaemon(true);
		pump.start();
		return pump;
	}

	/**
	 * The executable jar of a module, as {@code ./mvnw package} leaves it.
	 * @param repositoryRoot the repository root
	 * @param module {@code hook-ingest} or {@code sync-worker}
	 * @return the jar
	 */
	public static Path jar(Path repositoryRoot, String module) {
		Path target = repositoryRoot.resolve(module).resolve("target");
		try (Stream<Path> files = Files.list(target)) {
			return files.filter((p) -> p.getFileName().toString().endsWith("-exec.jar"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException(
						"no " + module + " jar in " + target + ": build first (./mvnw -DskipTests package)"));
		}
		catch (NoSuchFileException ex) {
			throw new IllegalStateException(target + " is missing: build first (./mvnw -DskipTests package)");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * @return the port of its probes and metrics
	 */
	public int managementPort() {
		return this.managementPort;
	}

	/**
	 * Waits until the service reports itself ready on its management port.
	 * @param timeout how long to wait
	 */
	public void awaitReady(Duration timeout) {
		HttpClient http = HttpClient.newHttpClient();
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + "/actuator/health/readiness"))
			.timeout(Duration.ofSeconds(2))
			.build();
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.name + " exited during start-up; see its output");
			}
			try {
				if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
				TimeUnit.MILLISECONDS.sleep(200);
			}
			catch (IOException ex) {
				// not listening yet
				pause();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		throw new IllegalStateException(this.name + " was not ready within " + timeout);
	}

	private static void pause() {
		try {
			TimeUnit.MILLISECONDS.sleep(200);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * @return the process id
	 */
	public long pid() {
		return this.process.pid();
	}

	/**
	 * @return whether it runs
	 */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Kills the process at once (SIGKILL): no shutdown hook, no commit, nothing flushed.
	 */
	public void kill() {
		this.process.destroyForcibly();
		waitFor(Duration.ofSeconds(30));
	}

	/**
	 * Stops the service gracefully (SIGTERM), killing it if it has not stopped within 30
	 * s.
	 */
	public void stop() {
		this.process.destroy();
		if (!waitFor(Duration.ofSeconds(30))) {
			kill();
		}
	}

	private boolean waitFor(Duration timeout) {
		try {
			return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@Override
	public void close() {
		if (this.process.isAlive()) {
			stop();
		}
	}

}
