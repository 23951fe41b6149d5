package io.kratossync.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A fixed interval after which one caller, and only one, is told to write a summary: the
 * way both services keep a flood (of published events, of rejected requests) down to one
 * log line per interval. Thread-safe.
 */
public final class SummaryWindow {

	private final long intervalNanos;

	private final LongSupplier nanoTime;

	private final AtomicLong start;

	/**
	 * Opens the first window now.
	 * @param interval how long a window lasts
	 * @param nanoTime the clock, e.g. {@code System::nanoTime}
	 */
	public SummaryWindow(Duration interval, LongSupplier nanoTime) {
		this.intervalNanos = interval.toNanos();
		this.nanoTime = nanoTime;
		this.start = new AtomicLong(nanoTime.getAsLong());
	}

	/**
	 * Closes the window when it is over, and opens the next.
	 * @return how long the closed window lasted, in nanoseconds, to the one caller that
	 * closed it; {@code -1} to every other caller and while the window is open
	 */
	public long closeIfOver() {
		long now = this.nanoTime.getAsLong();
		long started = this.start.get();
		long elapsed = now - started;
		if (elapsed < this.intervalNanos || !this.start.compareAndSet(started, now)) {
			return -1;
		}
		return elapsed;
	}

}
