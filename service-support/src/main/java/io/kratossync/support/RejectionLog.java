package io.kratossync.support;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refused requests so that a flood of them cannot flood the log: the first refusal
 * of each realm and reason in an interval at once (method, path and reason, so an
 * operator sees an attack begin), the rest as one summary line per interval, with counts
 * by realm and reason ({@link FailureDigest}). Nothing a caller presented as a credential
 * is ever logged, and the path is cut to a printable, bounded form. The metric
 * {@code kratos_sync_requests_total} counts every refusal.
 */
public final class RejectionLog {

	private static final Logger log = LoggerFactory.getLogger(RejectionLog.class);

	private static final int MAX_LOGGED_PATH = 120;

	private final FailureDigest digest;

	/**
	 * A log that summarises once a minute.
	 */
	public RejectionLog() {
		this(Duration.ofMinutes(1), System::nanoTime, log::warn);
	}

	RejectionLog(Duration interval, LongSupplier nanoTime, Consumer<String> sink) {
		this.digest = new FailureDigest("refused requests", interval, nanoTime, sink);
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
		this.digest.failed(realm + "/" + reason, "Refused " + printable(method, 16) + " "
				+ printable(rawPath, MAX_LOGGED_PATH) + " (" + realm + ": " + reason + ")");
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
