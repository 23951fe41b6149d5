package io.kratossync.events;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the wire format: each golden file is what a consumer in any language sees on the topic.
 */
class GoldenJsonTests {

	private static final JsonMapper PLAIN = JsonMapper.builder().build();

	private static final IdentityId IDENTITY = IdentityId.parse("3a5293f1-f4d6-49f4-b34f-6da62c360604");

	static java.util.stream.Stream<Arguments> goldenEvents() {
		return java.util.stream.Stream.of(
				Arguments.of("password_changed.json",
						new EventEnvelope(UUID.fromString("8f2e5a4c-2b7d-4c1e-9a3f-0d6b1e2c3a4b"),
								"/kratos-sync/hook-ingest/settings/password", Instant.parse("2026-01-31T11:19:40.123Z"),
								new PasswordChanged(IDENTITY, Instant.parse("2026-01-31T11:19:37.096674Z"),
										UUID.fromString("cec1c06e-48eb-4f9d-abf1-2e287371f4eb")))),
				Arguments.of("password_change_required.json",
						new EventEnvelope(UUID.fromString("0b9d6f3e-7a51-4c2b-8e4d-5f6a7b8c9d0e"),
								"/kratos-sync/hook-ingest/admin", Instant.parse("2026-01-30T09:00:00Z"),
								new PasswordChangeRequired(IDENTITY, Instant.parse("2026-01-30T09:00:00Z"),
										"credential found in a breach corpus"))));
	}

	@ParameterizedTest
	@MethodSource("goldenEvents")
	void serializesToTheGoldenRecord(String file, EventEnvelope envelope) throws IOException {
		JsonNode golden = golden(file);
		RecordHeaders headers = new RecordHeaders();
		byte[] value = Topics.IDENTITY_EVENTS.valueSerde().serializer().serialize("t", headers, envelope);

		assertThat(PLAIN.readTree(value)).isEqualTo(golden.get("value"));
		assertThat(headerMap(headers)).isEqualTo(PLAIN.convertValue(golden.get("headers"), Map.class));
		assertThat(envelope.subject().toString()).isEqualTo(golden.get("key").asString());
	}

	@ParameterizedTest
	@MethodSource("goldenEvents")
	void deserializesTheGoldenRecord(String file, EventEnvelope envelope) throws IOException {
		JsonNode golden = golden(file);
		RecordHeaders headers = new RecordHeaders();
		golden.get("headers")
			.properties()
			.forEach((e) -> headers.add(e.getKey(), e.getValue().asString().getBytes(StandardCharsets.UTF_8)));
		byte[] value = PLAIN.writeValueAsBytes(golden.get("value"));

		EventEnvelope decoded = Topics.IDENTITY_EVENTS.valueSerde().deserializer().deserialize("t", headers, value);

		assertThat(decoded).isEqualTo(envelope);
	}

	private static Map<String, String> headerMap(RecordHeaders headers) {
		Map<String, String> map = new LinkedHashMap<>();
		for (Header header : headers) {
			map.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
		}
		return map;
	}

	private static JsonNode golden(String file) throws IOException {
		try (InputStream in = GoldenJsonTests.class.getResourceAsStream("/golden/" + file)) {
			return PLAIN.readTree(in);
		}
	}

}
