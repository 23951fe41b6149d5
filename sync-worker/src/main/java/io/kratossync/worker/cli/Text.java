package io.kratossync.worker.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** How the commands write numbers and read times. */
final class Text {

	private Text() {
	}

	/**
	 * @return the count with thin groups, {@code 12 345}
	 */
	static String count(long n) {
		return String.format(Locale.ROOT, "%,d", n).replace(',', ' ');
	}

	static String seconds(double seconds) {
		return (seconds < 10) ? String.format(Locale.ROOT, "%.1f s", seconds)
				: String.format(Locale.ROOT, "%d s", Math.round(seconds));
	}

	static String took(Duration took) {
		return seconds(took.toNanos() / 1e9);
	}

	/**
	 * @param value an RFC 3339 time ({@code 2026-12-01T10:00:00Z},
	 * {@code 2026-12-01T11:00:00+01:00})
	 * @return the instant
	 */
	static Instant time(String value) {
		try {
			return OffsetDateTime.parse(value).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException("not an RFC 3339 time: '" + value + "' (e.g. 2026-12-01T10:00:00Z)");
		}
	}

}
