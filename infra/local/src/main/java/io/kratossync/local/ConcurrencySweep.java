package io.kratossync.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.HdrHistogram.Histogram;

/**
 * Throughput and latency of several endpoints at rising concurrency: at each level every
 * target runs a closed loop of that many requests in flight (after a short ramp that
 * opens the connections and is not counted), the targets taking turns so that a slow
 * moment of the machine does not fall on one of them alone. Over several rounds the best
 * throughput of each point is kept, with every round's figure beside it.
 */
final class ConcurrencySweep {

	/**
	 * One endpoint of the sweep.
	 *
	 * @param name its name in the table, the JSON and the chart
	 * @param pid the process whose CPU the requests cost, or -1 when it shares the
	 * bench's JVM (then no CPU per request is given)
	 * @param load a closed loop of {@code inFlight} requests at a time for
	 * {@code duration}
	 */
	record Target(String name, long pid, Load load) {

		LoadGenerator.Phase run(int inFlight, Duration duration, LoadGenerator generator) throws Exception {
			return this.load.run(inFlight, duration, generator);
		}

	}

	/** What a target does for one phase. */
	interface Load {

		LoadGenerator.Phase run(int inFlight, Duration duration, LoadGenerator generator) throws Exception;

	}

	/**
	 * One point of the sweep: the best round's throughput, its latency percentiles (ms),
	 * the CPU per request of the target's process (ms, -1 when not its own), the cores
	 * used (target / bench JVM / rest) and every round's throughput.
	 */
	record Point(String target, int concurrency, double rate, double p50, double p99, double p999, double cpuPerRequest,
			String cores, List<Long> rounds) {

		Map<String, Object> toMap() {
			Map<String, Object> map = new LinkedHashMap<>();
			map.put("target", this.target);
			map.put("concurrency", this.concurrency);
			map.put("requests_per_second", Math.round(this.rate));
			map.put("p50_ms", round1(this.p50));
			map.put("p99_ms", round1(this.p99));
			map.put("p99_9_ms", round1(this.p999));
			map.put("cpu_ms_per_request",
					(this.cpuPerRequest < 0) ? null : Math.round(this.cpuPerRequest * 1000) / 1000.0);
			map.put("cores", this.cores);
			map.put("rounds_requests_per_second", this.rounds);
			return map;
		}

	}

	private final List<Target> targets;

	private final List<Integer> levels;

	private final Duration ramp;

	private final Duration measured;

	private final int rounds;

	ConcurrencySweep(List<Target> targets, List<Integer> levels, Duration ramp, Duration measured, int rounds) {
		this.targets = targets;
		this.levels = levels;
		this.ramp = ramp;
		this.measured = measured;
		this.rounds = rounds;
	}

	/**
	 * Runs the sweep; {@code generators} gives the load generator for a level (as many
	 * connections as requests in flight: a Kratos fleet of that many callers).
	 */
	List<Point> run(IntFunction<LoadGenerator> generators) throws Exception {
		Map<String, List<Point>> byPoint = new LinkedHashMap<>();
		for (int round = 0; round < this.rounds; round++) {
			for (int level : this.levels) {
				try (LoadGenerator generator = generators.apply(level)) {
					for (Target target : this.targets) {
						target.run(level, this.ramp, generator);
						CpuShares cpu = new CpuShares(
								(target.pid() < 0) ? ProcessHandle.current().pid() : target.pid());
						LoadGenerator.Phase phase = target.run(level, this.measured, generator);
						double serviceCores = cpu.serviceCores();
						String cores = cpu.sinceStart();
						Histogram h = phase.latency();
						double cpuPerRequest = (target.pid() < 0 || serviceCores < 0) ? -1
								: 1000 * serviceCores / phase.rate();
						byPoint.computeIfAbsent(target.name() + "@" + level, (k) -> new ArrayList<>())
							.add(new Point(target.name(), level, phase.rate(), ms(h, 50), ms(h, 99), ms(h, 99.9),
									cpuPerRequest, cores, List.of()));
					}
				}
			}
		}
		List<Point> points = new ArrayList<>();
		for (List<Point> measuredRounds : byPoint.values()) {
			Point best = measuredRounds.stream().max(Comparator.comparingDouble(Point::rate)).orElseThrow();
			List<Long> rates = measuredRounds.stream().map((p) -> Math.round(p.rate())).toList();
			points.add(new Point(best.target(), best.concurrency(), best.rate(), best.p50(), best.p99(), best.p999(),
					best.cpuPerRequest(), best.cores(), rates));
		}
		return points;
	}

	/** Each target's point of highest throughput. */
	static Map<String, Point> saturation(List<Point> points) {
		Map<String, Point> saturation = new LinkedHashMap<>();
		for (Point point : points) {
			saturation.merge(point.target(), point, (a, b) -> (b.rate() > a.rate()) ? b : a);
		}
		return saturation;
	}

	/** The sweep as a table: one row per target and concurrency. */
	static String table(List<Point> points) {
		StringBuilder table = new StringBuilder(String.format("  %-34s %5s %9s %8s %8s %8s %7s  %-22s %s%n", "target",
				"conc.", "req/s", "p50 ms", "p99 ms", "p99.9", "CPU ms", "cores (it/bench/rest)", "rounds, req/s"));
		for (Point p : points) {
			table.append(String.format("  %-34s %5d %9d %8.1f %8.1f %8.1f %7s  %-22s %s%n", p.target(), p.concurrency(),
					Math.round(p.rate()), p.p50(), p.p99(), p.p999(),
					(p.cpuPerRequest() < 0) ? "-" : String.format("%.3f", p.cpuPerRequest()),
					p.cores().replace(" of " + Runtime.getRuntime().availableProcessors(), ""), p.rounds()));
		}
		return table.toString();
	}

	private static double ms(Histogram h, double percentile) {
		return h.getValueAtPercentile(percentile) / 1e6;
	}

	private static double round1(double value) {
		return Math.round(value * 10) / 10.0;
	}

}
