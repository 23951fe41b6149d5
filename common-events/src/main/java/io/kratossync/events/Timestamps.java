package io.kratossync.events;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Parses RFC 3339 UTC timestamps as {@link Instant#parse} does, with a fast path for the
 * form this project and Kratos write ({@code 2026-03-01T10:00:00Z},
 * {@code 2026-03-01T10:00:00.123456Z}): every event carries a few, and the general
 * {@code DateTimeFormatter} was a tenth of the worker's CPU. Any other form (an offset, a
 * leap second, a malformed value) goes to {@link Instant#parse}, so the result and the
 * errors are exactly its own.
 */
public final class Timestamps {

	private Timestamps() {
	}

	/**
	 * Parses a timestamp.
	 * @param text the timestamp
	 * @return the instant
	 * @throws java.time.format.DateTimeParseException if it is not a timestamp
	 * {@link Instant#parse} accepts
	 */
	public static Instant parse(CharSequence text) {
		Instant fast = parseCanonical(text);
		return (fast != null) ? fast : Instant.parse(text);
	}

	/**
	 * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} with valid fields, or {@code null} for
	 * anything else.
	 */
	private static Instant parseCanonical(CharSequence s) {
		int n = s.length();
		if (n < 20 || n > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
				|| s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
			return null;
		}
		int year = digits(s, 0, 4);
		int month = digits(s, 5, 7);
		int day = digits(s, 8, 10);
		int hour = digits(s, 11, 13);
		int minute = digits(s, 14, 16);
		int second = digits(s, 17, 19);
		if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
				|| second > 59) {
			return null;
		}
		int nanos = 0;
		if (n > 20) {
			int fraction = n - 21;
			if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
				return null;
			}
			nanos = digits(s, 20, n - 1);
			if (nanos < 0) {
				return null;
			}
			for (int i = fraction; i < 9; i++) {
				nanos *= 10;
			}
		}
		else if (s.charAt(19) != 'Z') {
			return null;
		}
		long days;
		try {
			days = LocalDate.of(year, month, day).toEpochDay();
		}
		catch (DateTimeException ex) {
			return null;
		}
		return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
	}

	/**
	 * The decimal value of {@code s[from, to)}, or -1 when a character is not an ASCII
	 * digit.
	 */
	private static int digits(CharSequence s, int from, int to) {
		int value = 0;
		for (int i = from; i < to; i++) {
			char c = s.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

}
