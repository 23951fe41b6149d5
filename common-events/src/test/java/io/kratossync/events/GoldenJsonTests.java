package io.kratossync.events;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the wire format: each golden file is what a consumer in any language sees on the
 * topic, and its value validates against the JSON Schema shipped for the type.
 */
class GoldenJsonTests {

	private static final JsonMapper PLAIN = JsonMapper.builder().build();

	private static final IdentityId IDENTITY = IdentityId.parse("3a5293f1-f4d6-49f4-b34f-6da62c360604");

	private static final UUID SESSION = UUID.fromString("6f7a8b9c-0d1e-4f2a-b3c4-d5e6f7a8b9c0");

	private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

	static Stream<Arguments> goldenEvents() {
		return Stream.of(
				golden("registered.json", "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
						"/kratos-sync/hook-ingest/registration/password", "2026-01-31T11:19:38Z",
						new Registered(IDENTITY, Instant.parse("2026-01-31T11:19:37.096674Z"), "password",
								new Profile("default", "active", "ada@example.com", false))),
				golden("logged_in.json", "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a", "/kratos-sync/hook-ingest/login/totp",
						"2026-02-03T08:10:01Z",
						new LoggedIn(IDENTITY, Instant.parse("2026-02-03T08:10:00Z"), "totp",
								UUID.fromString("5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"), "aal2")),
				golden("password_changed.json", "8f2e5a4c-2b7d-4c1e-9a3f-0d6b1e2c3a4b",
						"/kratos-sync/hook-ingest/settings/password", "2026-01-31T11:19:40.123Z",
						new PasswordChanged(IDENTITY, Instant.parse("2026-01-31T11:19:37.096674Z"),
								UUID.fromString("cec1c06e-48eb-4f9d-abf1-2e287371f4eb"))),
				golden("profile_updated.json", "3e4f5a6b-7c8d-4e9f-0a1b-2c3d4e5f6a7b",
						"/kratos-sync/hook-ingest/settings/profile", "2026-02-04T09:00:01Z",
						new ProfileUpdated(IDENTITY, Instant.parse("2026-02-04T09:00:00Z"), "profile",
								new Profile("default", "active", "ada.lovelace@example.com", false))),
				golden("second_factor_changed.json", "4f5a6b7c-8d9e-4f0a-1b2c-3d4e5f6a7b8c",
						"/kratos-sync/hook-ingest/settings/totp", "2026-02-05T10:00:01Z",
						new SecondFactorChanged(IDENTITY, Instant.parse("2026-02-05T10:00:00Z"), "totp")),
				golden("recovered.json", "5a6b7c8d-9e0f-4a1b-2c3d-4e5f6a7b8c9d", "/kratos-sync/hook-ingest/recovery",
						"2026-02-06T11:00:00Z",
						new Recovered(IDENTITY, Instant.parse("2026-02-06T11:00:00Z"),
								UUID.fromString("d1a3e5c7-0b2d-4f6a-8c9e-1a2b3c4d5e6f"))),
				golden("address_verified.json", "6b7c8d9e-0f1a-4b2c-3d4e-5f6a7b8c9d0e",
						"/kratos-sync/hook-ingest/verification", "2026-02-03T08:20:01Z",
						new AddressVerified(IDENTITY, Instant.parse("2026-02-03T08:20:00Z"), "ada@example.com",
								"email")),
				golden("password_change_required.json", "0b9d6f3e-7a51-4c2b-8e4d-5f6a7b8c9d0e",
						"/kratos-sync/hook-ingest/admin", "2026-01-30T09:00:00Z",
						new PasswordChangeRequired(IDENTITY, Instant.parse("2026-01-30T09:00:00Z"),
								"credential found in a breach corpus", Instant.parse("2025-11-02T17:45:10.123456Z"))),
				golden("created.json", "7c8d9e0f-1a2b-4c3d-8e5f-6a7b8c9d0e1f", "/kratos-sync/cdc",
						"2026-02-07T12:00:00.5Z",
						new IdentityCreated(IDENTITY, Instant.parse("2026-02-07T12:00:00.123456Z"),
								new Profile("default", "active", "ada@example.com", false))),
				golden("updated.json", "8d9e0f1a-2b3c-4d4e-9f6a-7b8c9d0e1f2a", "/kratos-sync/cdc",
						"2026-02-08T12:00:00.5Z",
						new IdentityUpdated(IDENTITY, Instant.parse("2026-02-08T12:00:00.123456Z"),
								new Profile("default", "active", "ada.lovelace@example.com", false))),
				golden("state_changed.json", "9e0f1a2b-3c4d-4e5f-8a7b-8c9d0e1f2a3b", "/kratos-sync/cdc",
						"2026-02-09T12:00:00.5Z",
						new StateChanged(IDENTITY, Instant.parse("2026-02-09T12:00:00.123456Z"), "inactive")),
				golden("deleted.json", "0f1a2b3c-4d5e-4f6a-9b8c-9d0e1f2a3b4c", "/kratos-sync/cdc",
						"2026-02-10T12:00:00.5Z",
						new IdentityDeleted(IDENTITY, Instant.parse("2026-02-10T12:00:00.4Z"))),
				golden("session_issued.json", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "/kratos-sync/cdc",
						"2026-02-11T12:00:00.5Z",
						new SessionIssued(IDENTITY, Instant.parse("2026-02-11T12:00:00.123456Z"), SESSION, "aal1",
								List.of("password"), Instant.parse("2026-02-12T12:00:00.123456Z"))),
				golden("session_revoked.json", "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", "/kratos-sync/cdc",
						"2026-02-11T13:00:00.5Z",
						new SessionRevoked(IDENTITY, Instant.parse("2026-02-11T13:00:00.4Z"), SESSION, "deactivated")),
				golden("session_expired.json", "3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f", "/kratos-sync/cdc",
						"2026-02-13T02:00:00.5Z",
						new SessionExpired(IDENTITY, Instant.parse("2026-02-12T12:00:00.123456Z"), SESSION)));
	}

	private static Arguments golden(String file, String id, String source, String time, IdentityEvent data) {
		return Arguments.of(file, new EventEnvelope(UUID.fromString(id), source, Instant.parse(time), data));
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

	@ParameterizedTest
	@MethodSource("goldenEvents")
	void goldenValueValidatesAgainstTheShippedSchema(String file, EventEnvelope envelope) throws IOException {
		Schema schema = schema(envelope.type());

		assertThat(schema.validate(golden(file).get("value"))).isEmpty();
	}

	@ParameterizedTest
	@MethodSource("goldenEvents")
	void schemaRejectsAValueWithoutItsIdentity(String file, EventEnvelope envelope) throws IOException {
		ObjectNode value = (ObjectNode) golden(file).get("value").deepCopy();
		value.remove("identity_id");

		assertThat(schema(envelope.type()).validate(value)).isNotEmpty();
	}

	@Test
	void everyEventTypeHasASchemaAndAGoldenRecord() {
		List<EventType> covered = goldenEvents().map((a) -> ((EventEnvelope) a.get()[1]).type()).toList();

		assertThat(covered).containsExactlyInAnyOrder(EventType.values());
		for (EventType type : EventType.values()) {
			assertThat(GoldenJsonTests.class.getClassLoader().getResource(type.schemaResource())).as(type.ceType())
				.isNotNull();
		}
	}

	private static Schema schema(EventType type) throws IOException {
		try (InputStream in = GoldenJsonTests.class.getClassLoader().getResourceAsStream(type.schemaResource())) {
			return SCHEMAS.getSchema(in);
		}
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
