package io.kratossync.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refused requests so that a flood of them cannot flood the log: the first refusal
 * of an interval at once (method, path and reason, so an operator sees an attack begin),
 * the rest as one summary line per interval, with counts by realm and reason. Nothing a
 * caller presented as a credential is ever logged, and the path is cut to a printable,
 * bounded form. The metric {@code kratos_sync_requests_total} counts every refusal.
 */
public final class RejectionLog {

	private static final Logger log = LoggerFactory.getLogger(RejectionLog.class);

	private static final int MAX_LOGGED_PATH = 120;

	private final SummaryWindow window;

	private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

	private final AtomicBoolean firstLogged = new AtomicBoolean();

	/**
	 * A log that summarises once a minute.
	 */
	public RejectionLog() {
		this(Duration.ofMinutes(1), System::nanoTime);
	}

	RejectionLog(Duration interval, LongSupplier nanoTime) {
		this.window = new SummaryWindow(interval, nanoTime);
	}

	/**
	 * Records a refused request and writes what is due.
	 * @param realm the realm of its path ({@code webhook}, {@code admin}, ...;
	 * {@code none} outside every realm)
	 * @param reason why it was refused, e.g. {@code unauthenticated}
	 * @param method the HTTP method
	 * @param rawPath the path as sent
	 */
	public void rejected(String realm, String reason, String method, String rawPath) {
		lines(realm, reason, method, rawPath).forEach(log::warn);
	}

	/** The lines that this refusal makes due, in order; at most two. */
	List<String> lines(String realm, String reason, String method, String rawPath) {
		List<String> lines = new ArrayList<>(2);
		long elapsed = this.window.closeIfOver();
		if (elapsed >= 0) {
			String summary = summary(elapsed);
			if (summary != null) {
				lines.add(summary);
			}
			this.firstLogged.set(false);
		}
		if (this.firstLogged.compareAndSet(false, true)) {
			lines.add("Refused " + printable(method, 16) + " " + printable(rawPath, MAX_LOGGED_PATH) + " (" + realm
					+ ": " + reason + "); further refusals are summarised once per interval");
		}
		else {
			this.counts.computeIfAbsent(realm + "/" + reason, (key) -> new LongAdder()).increment();
		}
		return lines;
	}

	private String summary(long elapsedNanos) {
		Map<String, Long> byReason = new TreeMap<>();
		this.counts.forEach((key, count) -> {
			long n = count.sumThenReset();
			if (n > 0) {
				byReason.put(key, n);
			}
		});
		if (byReason.isEmpty()) {
			return null;
		}
		long total = byReason.values().stream().mapToLong(Long::longValue).sum();
		StringBuilder line = new StringBuilder("Refused ").append(total)
			.append(" more requests in the last ")
			.append(Math.round(elapsedNanos / 1e9))
			.append(" s:");
		byReason.forEach((key, n) -> line.append(' ').append(key).append('=').append(n));
		return line.toString();
	}

	/**
	 * A text that may be logged: cut to {@code max} characters, each one outside
	 * printable ASCII written as {@code ?}.
	 * @param text the text, may be {@code null}
	 * @param max the most characters kept
	 * @return the printable text
	 */
	public static String printable(String text, int max) {
		if (text == null) {
			return "-";
		}
		StringBuilder out = new StringBuilder(Math.min(text.length(), max + 3));
		for (int i = 0; i < text.length() && i < max; i++) {
			char c = text.charAt(i);
			out.append((c >= 0x20 && c < 0x7f) ? c : '?');
		}
		if (text.length() > max) {
			out.append("...");
		}
		return out.toString();
	}

}
