package io.kratossync.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EventEnvelopeDeserializerTests {

	private final EventEnvelopeSerializer serializer = new EventEnvelopeSerializer();

	private final EventEnvelopeDeserializer deserializer = new EventEnvelopeDeserializer();

	private final EventEnvelope envelope = new EventEnvelope(UUID.randomUUID(), "/test", Instant.now(),
			new PasswordChanged(IdentityId.parse(UUID.randomUUID().toString()), Instant.now(), null));

	@Test
	void roundTripsAnEventWithoutOptionalFields() {
		RecordHeaders headers = new RecordHeaders();
		byte[] value = this.serializer.serialize("t", headers, this.envelope);

		assertThat(new String(value, StandardCharsets.UTF_8)).doesNotContain("flow_id");
		assertThat(this.deserializer.deserialize("t", headers, value)).isEqualTo(this.envelope);
	}

	@Test
	void rejectsRecordMissingARequiredHeader() {
		for (String name : new String[] { CloudEventHeaders.ID, CloudEventHeaders.TYPE, CloudEventHeaders.SOURCE,
				CloudEventHeaders.TIME, CloudEventHeaders.SUBJECT, CloudEventHeaders.SPEC_VERSION }) {
			RecordHeaders headers = new RecordHeaders();
			byte[] value = this.serializer.serialize("t", headers, this.envelope);
			headers.remove(name);
			assertThatExceptionOfType(EventDecodingException.class)
				.isThrownBy(() -> this.deserializer.deserialize("t", headers, value))
				.withMessageContaining(name);
		}
	}

	@Test
	void rejectsUnknownType() {
		RecordHeaders headers = new RecordHeaders();
		byte[] value = this.serializer.serialize("t", headers, this.envelope);
		headers.remove(CloudEventHeaders.TYPE);
		headers.add(CloudEventHeaders.TYPE, "kratos.identity.exploded".getBytes(StandardCharsets.UTF_8));

		assertThatExceptionOfType(EventDecodingException.class)
			.isThrownBy(() -> this.deserializer.deserialize("t", headers, value))
			.withMessageContaining("unknown ce_type");
	}

	@Test
	void rejectsSubjectThatIsNotTheIdentityOfTheData() {
		RecordHeaders headers = new RecordHeaders();
		byte[] value = this.serializer.serialize("t", headers, this.envelope);
		headers.remove(CloudEventHeaders.SUBJECT);
		headers.add(CloudEventHeaders.SUBJECT, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));

		assertThatExceptionOfType(EventDecodingException.class)
			.isThrownBy(() -> this.deserializer.deserialize("t", headers, value))
			.withMessageContaining("ce_subject");
	}

	@Test
	void rejectsDataMissingARequiredField() {
		RecordHeaders headers = new RecordHeaders();
		this.serializer.serialize("t", headers, this.envelope);
		byte[] value = ("{\"identity_id\":\"" + this.envelope.subject() + "\"}").getBytes(StandardCharsets.UTF_8);

		assertThatExceptionOfType(EventDecodingException.class)
			.isThrownBy(() -> this.deserializer.deserialize("t", headers, value))
			.withMessageContaining("changed_at");
	}

	@Test
	void rejectsValueThatIsNotJson() {
		RecordHeaders headers = new RecordHeaders();
		this.serializer.serialize("t", headers, this.envelope);

		assertThatExceptionOfType(EventDecodingException.class)
			.isThrownBy(() -> this.deserializer.deserialize("t", headers, "not json".getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void ignoresUnknownFields() {
		RecordHeaders headers = new RecordHeaders();
		this.serializer.serialize("t", headers, this.envelope);
		String json = "{\"identity_id\":\"" + this.envelope.subject() + "\",\"changed_at\":\"2026-01-01T00:00:00Z\","
				+ "\"added_in_a_later_version\":{\"x\":1}}";

		EventEnvelope decoded = this.deserializer.deserialize("t", headers, json.getBytes(StandardCharsets.UTF_8));

		assertThat(decoded.data()).isInstanceOf(PasswordChanged.class);
	}

	@Test
	void refusesTheZeroUuidAsIdentity() {
		assertThatIllegalArgumentException().isThrownBy(() -> IdentityId.parse("00000000-0000-0000-0000-000000000000"));
		assertThatIllegalArgumentException().isThrownBy(() -> IdentityId.parse("1-1-1-1-1"));
	}

	@Test
	void nameBasedIdsAreStableAndDistinct() {
		UUID a = Uuids.nameBased("settings/password", "flow", "identity", "2026-01-01T00:00:00Z");
		assertThat(Uuids.nameBased("settings/password", "flow", "identity", "2026-01-01T00:00:00Z")).isEqualTo(a);
		assertThat(a.version()).isEqualTo(5);
		assertThat(Uuids.nameBased("settings/password|flow", "identity", "2026-01-01T00:00:00Z")).isNotEqualTo(a);
	}

}
