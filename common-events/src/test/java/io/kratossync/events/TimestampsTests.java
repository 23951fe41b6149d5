package io.kratossync.events;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TimestampsTests {

	@Test
	void agreesWithInstantParseOnRandomInstantsOfEveryPrecision() {
		SplittableRandom random = new SplittableRandom(20261128);
		for (int i = 0; i < 100_000; i++) {
			Instant instant = Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_799L),
					random.nextInt(1_000_000_000));
			long truncate = new long[] { 1, 1_000, 1_000_000, 1_000_000_000 }[random.nextInt(4)];
			Instant value = instant.minusNanos(instant.getNano() % truncate);
			String text = value.toString();
			assertThat(Timestamps.parse(text)).as(text).isEqualTo(Instant.parse(text)).isEqualTo(value);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "2026-03-01T10:00:00.1Z", "2026-03-01T10:00:00.12345Z", "2024-02-29T23:59:59.999999999Z",
			"2026-03-01T10:00:00+02:00", "2026-03-01T10:00:00.5-01:30", "2016-12-31T23:59:60Z",
			"+12026-03-01T10:00:00Z",
			// end of day and an empty fraction: odd, but Instant.parse takes them
			"2026-03-01T24:00:00Z", "2026-03-01T10:00:00.Z" })
	void acceptsWhatInstantParseAccepts(String text) {
		assertThat(Timestamps.parse(text)).isEqualTo(Instant.parse(text));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "2026-02-30T10:00:00Z", "2025-02-29T10:00:00Z", "2026-13-01T10:00:00Z",
			"2026-03-01T10:60:00Z", "2026-03-01T10:00:61Z", "2026-03-01T10:00:00", "2026-03-01 10:00:00Z",
			"2026-03-01T10:00:00.1234567890Z", "2026-3-01T10:00:00Z", "2026-03-01T1a:00:00Z", "２026-03-01T10:00:00Z",
			"2026-03-01T10:00:00.12x4Z" })
	void rejectsWhatInstantParseRejects(String text) {
		assertThatExceptionOfType(DateTimeParseException.class).isThrownBy(() -> Instant.parse(text));
		assertThatExceptionOfType(DateTimeParseException.class).isThrownBy(() -> Timestamps.parse(text));
	}

}
