package io.kratossync.worker.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.LongSupplier;

import io.kratossync.worker.history.Progress;

/**
 * Progress on standard error, once a phase has run for a few seconds and then every so
 * often: records read, of how many, the rate and the time left.
 */
final class ProgressLine implements Progress {

	private final PrintStream err;

	private final String command;

	private final long afterNanos;

	private final long everyNanos;

	private final LongSupplier clock;

	private String phase = "";

	private long total;

	private long records;

	private long phaseStart;

	private long lastLine;

	ProgressLine(PrintStream err, String command, Duration after, Duration every, LongSupplier clock) {
		this.err = err;
		this.command = command;
		this.afterNanos = after.toNanos();
		this.everyNanos = every.toNanos();
		this.clock = clock;
		this.phaseStart = clock.getAsLong();
	}

	@Override
	public void phase(String name, long total) {
		this.phase = name;
		this.total = total;
		this.records = 0;
		this.phaseStart = this.clock.getAsLong();
		this.lastLine = this.phaseStart;
	}

	@Override
	public void advanced(long records) {
		this.records += records;
		long now = this.clock.getAsLong();
		if (now - this.phaseStart >= this.afterNanos && now - this.lastLine >= this.everyNanos) {
			this.lastLine = now;
			this.err.println(line(now));
		}
	}

	String line(long now) {
		double seconds = Math.max(1e-9, (now - this.phaseStart) / 1e9);
		double rate = this.records / seconds;
		StringBuilder line = new StringBuilder(this.command).append(": ").append(this.phase).append(": ");
		line.append(Text.count(this.records));
		if (this.total > 0) {
			line.append(" of ")
				.append(Text.count(this.total))
				.append(" records (")
				.append(Math.min(100, this.records * 100 / this.total))
				.append(" %)");
		}
		else {
			line.append(" records");
		}
		line.append(", ").append(Text.count(Math.round(rate))).append(" records/s");
		if (this.total > this.records && rate > 0) {
			line.append(", about ").append(Text.seconds((this.total - this.records) / rate)).append(" left");
		}
		return line.toString();
	}

}
