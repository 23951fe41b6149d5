package io.kratossync.worker.cli;

import java.time.Instant;

import picocli.CommandLine;

/** Reads an option's time: RFC 3339, or {@code earliest} (the beginning of the topic). */
final class Times implements CommandLine.ITypeConverter<Times.Time> {

	/**
	 * A time given on the command line.
	 *
	 * @param instant the instant, {@code null} for the beginning of the topic
	 */
	record Time(Instant instant) {
	}

	@Override
	public Time convert(String value) {
		if (value.equalsIgnoreCase("earliest")) {
			return new Time(null);
		}
		try {
			return new Time(Text.time(value));
		}
		catch (IllegalArgumentException ex) {
			throw new CommandLine.TypeConversionException(ex.getMessage() + ", or earliest");
		}
	}

}
