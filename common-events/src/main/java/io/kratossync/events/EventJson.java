package io.kratossync.events;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * The one JSON mapping of event data: snake_case names (as Kratos writes its own), RFC
 * 3339 timestamps, nulls left out, unknown fields ignored so that consumers survive
 * additive changes.
 */
public final class EventJson {

	private static final JsonMapper MAPPER = JsonMapper.builder()
		.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
		.disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.changeDefaultPropertyInclusion(
				(incl) -> JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
		.addModule(new SimpleModule("kratos-sync-timestamps").addDeserializer(Instant.class, new InstantText()))
		.build();

	private EventJson() {
	}

	/**
	 * Timestamps are RFC 3339 strings, read by {@link Timestamps} (numbers are refused).
	 */
	private static final class InstantText extends StdScalarDeserializer<Instant> {

		InstantText() {
			super(Instant.class);
		}

		@Override
		public Instant deserialize(JsonParser p, DeserializationContext ctxt) {
			if (!p.hasToken(JsonToken.VALUE_STRING)) {
				return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
			}
			String text = p.getString();
			try {
				return Timestamps.parse(text);
			}
			catch (DateTimeParseException ex) {
				return (Instant) ctxt.handleWeirdStringValue(Instant.class, text, "not an RFC 3339 timestamp");
			}
		}

	}

	/**
	 * The mapper for event data. It is immutable and thread-safe.
	 * @return the mapper
	 */
	public static JsonMapper mapper() {
		return MAPPER;
	}

}
