package io.kratossync.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.StringJoiner;

/**
 * Cores used by a service, by this JVM (load generator and broker) and by everything
 * else, between its creation and {@link #sinceStart}, from {@code /proc} (Linux; "n/a"
 * elsewhere).
 */
final class CpuShares {

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
	 * Cores used by the processes, by this JVM and by the rest of the machine since the
	 * start.
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
