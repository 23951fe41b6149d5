package io.kratossync.support;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Keeps an outage to a few log lines: the first failure of each kind in an interval is
 * written at once, in full; the others are counted, and the first failure after the
 * interval writes one line with the counts and the latest of them. Used wherever a
 * failure would otherwise be logged once per event or per request (an unacknowledged
 * publish, a revocation Kratos did not take, a session Kratos could not check).
 * Thread-safe.
 */
public final class FailureDigest {

	private final String what;

	private final Consumer<String> sink;

	private final SummaryWindow window;

	private final Map<String, Long> more = new LinkedHashMap<>();

	private final Map<String, Boolean> written = new LinkedHashMap<>();

	private String latest;

	/**
	 * @param what what the failures are, in the plural, for the summary line (e.g.
	 * {@code "unacknowledged events"})
	 * @param interval how often at most a summary is written
	 * @param nanoTime the clock, e.g. {@code System::nanoTime}
	 * @param sink where the lines go, e.g. {@code log::warn}
	 */
	public FailureDigest(String what, Duration interval, LongSupplier nanoTime, Consumer<String> sink) {
		this.what = what;
		this.sink = sink;
		this.window = new SummaryWindow(interval, nanoTime);
	}

	/**
	 * Counts a failure; writes it when it is the first of its kind in the interval.
	 * @param kind the kind of failure (a summary counts by kind)
	 * @param detail the failure in full: what failed, why, and what happens now
	 */
	public synchronized void failed(String kind, String detail) {
		long elapsed = this.window.closeIfOver();
		if (elapsed >= 0) {
			summarise(elapsed);
		}
		this.latest = detail;
		if (this.written.putIfAbsent(kind, true) == null) {
			this.sink.accept(detail + "; further " + this.what + " are summarised once a minute");
		}
		else {
			this.more.merge(kind, 1L, Long::sum);
		}
	}

	private void summarise(long elapsedNanos) {
		if (!this.more.isEmpty()) {
			StringBuilder counts = new StringBuilder();
			long total = 0;
			for (Map.Entry<String, Long> entry : this.more.entrySet()) {
				counts.append((counts.length() > 0) ? ", " : "")
					.append(entry.getValue())
					.append(' ')
					.append(entry.getKey());
				total += entry.getValue();
			}
			this.sink.accept(total + " more " + this.what + " in the last " + Math.round(elapsedNanos / 1e9) + " s ("
					+ counts + "); latest: " + this.latest);
		}
		this.more.clear();
		this.written.clear();
	}

}
