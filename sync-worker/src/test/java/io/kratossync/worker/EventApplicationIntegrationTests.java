package io.kratossync.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityId;
import io.kratossync.events.LoggedIn;
import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.events.PasswordChanged;
import io.kratossync.events.Topics;
import io.kratossync.testing.KratosStub;
import io.kratossync.testing.TopicProbe;
import io.kratossync.worker.apply.UserSettings;
import io.kratossync.worker.apply.UserSettingsRepository;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EventApplicationIntegrationTests extends WorkerIntegrationTestSupport {

	@Autowired
	UserSettingsRepository settings;

	@Autowired
	MeterRegistry meters;

	@Test
	void aDuplicateIsRecognisedAndChangesNothingEvenWhereItsWriteWouldStillWin() {
		// a requirement's write still wins when it comes again (its snapshot equals the
		// stored one): only the
		// inbox keeps a redelivery from rewriting the row
		IdentityId identity = new IdentityId(UUID.randomUUID());
		EventEnvelope required = envelope(new PasswordChangeRequired(identity, Instant.parse("2026-03-01T10:00:00Z"),
				"breach", Instant.parse("2026-02-01T10:00:00Z")));
		publish(required);
		await().atMost(Duration.ofSeconds(30)).until(() -> inboxRows(required.id()) == 1);
		Instant updatedAt = this.settings.find(identity.value()).orElseThrow().updatedAt();
		double duplicates = outcomes("password_change_required", "duplicate");
		double applied = outcomes("password_change_required", "applied");
		double handled = handled("password_change_required");

		publish(required, required, required, required);
		await().atMost(Duration.ofSeconds(30)).until(() -> handled("password_change_required") - handled == 4);

		assertThat(this.settings.find(identity.value()).orElseThrow().updatedAt()).isEqualTo(updatedAt);
		assertThat(outcomes("password_change_required", "duplicate") - duplicates).isEqualTo(4);
		assertThat(outcomes("password_change_required", "applied")).isEqualTo(applied);
	}

	private double handled(String type) {
		return outcomes(type, "applied") + outcomes(type, "stale") + outcomes(type, "duplicate");
	}

	private double outcomes(String type, String outcome) {
		var counter = this.meters.find("kratos_sync_events")
			.tag("type", "kratos.identity." + type)
			.tag("outcome", outcome)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	@Test
	void requirementSetsTheFlagAndRevokesSessionsExactlyOnce() {
		UUID identity = UUID.randomUUID();
		kratos.createSession(identity);
		kratos.createSession(identity);
		EventEnvelope required = envelope(
				new PasswordChangeRequired(new IdentityId(identity), Instant.parse("2026-03-01T10:00:00Z"), "breach"));

		publish(required, required);

		awaitConsumed(new IdentityId(identity));
		await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(actionStatus(required.id())));
		UserSettings stored = this.settings.find(identity).orElseThrow();
		assertThat(stored.forcePasswordChange()).isTrue();
		assertThat(stored.passwordChangeReason()).isEqualTo("breach");
		assertThat(kratos.activeSessions(identity)).isZero();
		assertThat(kratos.revocationCalls(identity)).hasSize(1);
	}

	@Test
	void aPasswordChangeOlderThanTheRequirementDoesNotClearIt() {
		IdentityId identity = new IdentityId(UUID.randomUUID());
		EventEnvelope required = envelope(
				new PasswordChangeRequired(identity, Instant.parse("2026-03-02T10:00:00Z"), null));
		EventEnvelope olderChange = envelope(
				new PasswordChanged(identity, Instant.parse("2026-03-02T09:59:59Z"), null));
		EventEnvelope newerChange = envelope(
				new PasswordChanged(identity, Instant.parse("2026-03-02T10:05:00Z"), null));

		publish(required, olderChange);
		await().atMost(Duration.ofSeconds(30)).until(() -> inboxRows(olderChange.id()) == 1);
		UserSettings afterOlder = this.settings.find(identity.value()).orElseThrow();
		assertThat(afterOlder.forcePasswordChange()).isTrue();
		assertThat(afterOlder.passwordChangedAt()).isEqualTo(Instant.parse("2026-03-02T09:59:59Z"));

		publish(newerChange);
		await().atMost(Duration.ofSeconds(30)).until(() -> inboxRows(newerChange.id()) == 1);
		assertThat(this.settings.find(identity.value()).orElseThrow().forcePasswordChange()).isFalse();
	}

	@Test
	void aLateRequirementOlderThanTheChangeNeitherSetsTheFlagNorRevokes() {
		UUID identity = UUID.randomUUID();
		kratos.createSession(identity);
		EventEnvelope change = envelope(
				new PasswordChanged(new IdentityId(identity), Instant.parse("2026-03-03T10:00:00Z"), null));
		EventEnvelope staleRequirement = envelope(
				new PasswordChangeRequired(new IdentityId(identity), Instant.parse("2026-03-03T09:00:00Z"), null));

		publish(change, staleRequirement);

		await().atMost(Duration.ofSeconds(30)).until(() -> inboxRows(staleRequirement.id()) == 1);
		assertThat(this.settings.find(identity).orElseThrow().forcePasswordChange()).isFalse();
		assertThat(actionStatus(staleRequirement.id())).isNull();
		assertThat(kratos.activeSessions(identity)).isEqualTo(1);
	}

	@Test
	void revokesAfterKratosAnswered500Twice() {
		UUID identity = UUID.randomUUID();
		kratos.createSession(identity);
		kratos.failNext(2, 500, Duration.ZERO);
		EventEnvelope required = envelope(new PasswordChangeRequired(new IdentityId(identity), Instant.now(), null));

		publish(required);

		await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(actionStatus(required.id())));
		assertThat(kratos.revocationCalls(identity)).extracting(KratosStub.Call::status).containsExactly(500, 500, 204);
		assertThat(kratos.activeSessions(identity)).isZero();
	}

	@Test
	void countsA404FromKratosAsDone() {
		UUID identity = UUID.randomUUID();
		EventEnvelope required = envelope(new PasswordChangeRequired(new IdentityId(identity), Instant.now(), null));

		publish(required);

		await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(actionStatus(required.id())));
		assertThat(kratos.revocationCalls(identity)).extracting(KratosStub.Call::status).containsExactly(404);
	}

	@Test
	void deadLettersPoisonRecordsBetweenGoodOnesAndMovesOn() {
		IdentityId identity = new IdentityId(UUID.randomUUID());
		EventEnvelope before = envelope(new PasswordChanged(identity, Instant.parse("2026-03-04T10:00:00Z"), null));
		EventEnvelope after = envelope(new PasswordChanged(identity, Instant.parse("2026-03-04T11:00:00Z"), null));
		publish(before);
		// undecodable value, then valid headers with data missing a required field
		sendRaw(identity, "{not json".getBytes(StandardCharsets.UTF_8), null);
		EventEnvelope invalid = envelope(new PasswordChanged(identity, Instant.parse("2026-03-04T10:30:00Z"), null));
		sendRaw(identity, ("{\"identity_id\":\"" + identity + "\"}").getBytes(StandardCharsets.UTF_8), invalid);
		publish(after);

		await().atMost(Duration.ofSeconds(30)).until(() -> inboxRows(after.id()) == 1);
		assertThat(inboxRows(before.id())).isEqualTo(1);
		assertThat(this.settings.find(identity.value()).orElseThrow().passwordChangedAt())
			.isEqualTo(Instant.parse("2026-03-04T11:00:00Z"));
		await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters(identity).size() == 2);
		List<ConsumerRecord<byte[], byte[]>> dead = deadLetters(identity);
		assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
		for (ConsumerRecord<byte[], byte[]> record : dead) {
			assertThat(text(record, "kafka_dlt-exception-fqcn")).isNotBlank();
			assertThat(text(record, "kafka_dlt-exception-message")).isNotBlank();
			assertThat(text(record, "kafka_dlt-original-topic")).isEqualTo(Topics.IDENTITY_EVENTS.name());
			assertThat(record.headers().lastHeader("kafka_dlt-original-partition")).isNotNull();
			assertThat(record.headers().lastHeader("kafka_dlt-original-offset")).isNotNull();
			assertThat(record.headers().lastHeader("kafka_dlt-original-timestamp")).isNotNull();
		}
		assertThat(text(dead.get(0), "kratos_sync_dlt_reason")).isEqualTo("record has no ce_specversion header");
		assertThat(text(dead.get(1), "kratos_sync_dlt_reason")).contains("changed_at");
	}

	@Test
	void aDatabaseErrorOfOneRecordHoldsItsPartitionUntilMendedAndIsNeverDeadLettered() {
		// a real PostgreSQL error for one event only, raised while the batch's upserts
		// run: a database error is
		// never the record's fault, whatever its SQLSTATE (here P0001), so it is retried
		// until the cause is mended
		this.jdbc
			.sql("""
					CREATE OR REPLACE FUNCTION refuse_poisoned_login() RETURNS trigger LANGUAGE plpgsql AS $$
					BEGIN
					  IF NEW.last_login_method = 'poisoned-by-test' THEN RAISE EXCEPTION 'refused by the test trigger'; END IF;
					  RETURN NEW;
					END $$""")
			.update();
		this.jdbc.sql("""
				CREATE OR REPLACE TRIGGER refuse_poisoned_login BEFORE INSERT OR UPDATE ON user_settings
				FOR EACH ROW EXECUTE FUNCTION refuse_poisoned_login()""").update();
		IdentityId identity = new IdentityId(UUID.randomUUID());
		EventEnvelope before = envelope(
				new LoggedIn(identity, Instant.parse("2026-03-05T10:00:00Z"), "password", null, "aal1"));
		EventEnvelope poisoned = envelope(
				new LoggedIn(identity, Instant.parse("2026-03-05T10:30:00Z"), "poisoned-by-test", null, "aal1"));
		EventEnvelope after = envelope(
				new LoggedIn(identity, Instant.parse("2026-03-05T11:00:00Z"), "code", null, "aal1"));
		try {
			publish(before, poisoned, after);

			await().atMost(Duration.ofSeconds(30)).until(() -> inboxRows(before.id()) == 1);
			await().atMost(Duration.ofSeconds(30)).until(() -> transientFailures() >= 3);
			// the partition waits at the failing record: nothing after it is skipped
			assertThat(inboxRows(poisoned.id())).isZero();
			assertThat(inboxRows(after.id())).isZero();
		}
		finally {
			this.jdbc.sql("DROP TRIGGER refuse_poisoned_login ON user_settings").update();
		}

		await().atMost(Duration.ofSeconds(30)).until(() -> inboxRows(after.id()) == 1);
		assertThat(inboxRows(poisoned.id())).isEqualTo(1);
		UserSettings row = this.settings.find(identity.value()).orElseThrow();
		assertThat(row.lastLoginAt()).isEqualTo(Instant.parse("2026-03-05T11:00:00Z"));
		assertThat(row.lastLoginMethod()).isEqualTo("code");
		assertThat(deadLetters(identity)).isEmpty();
	}

	private double transientFailures() {
		var counter = this.meters.find("kratos_sync_consumer_failures").tag("kind", "transient").counter();
		return (counter != null) ? counter.count() : 0;
	}

	private void sendRaw(IdentityId identity, byte[] value, EventEnvelope headersOf) {
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
				Map.of("bootstrap.servers", this.bootstrapServers), new ByteArraySerializer(),
				new ByteArraySerializer())) {
			ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topics.IDENTITY_EVENTS.name(),
					identity.toString().getBytes(StandardCharsets.UTF_8), value);
			if (headersOf != null) {
				Topics.IDENTITY_EVENTS.valueSerde().serializer().serialize("t", record.headers(), headersOf);
			}
			producer.send(record);
		}
	}

	private List<ConsumerRecord<byte[], byte[]>> deadLetters(IdentityId identity) {
		return TopicProbe.records(this.bootstrapServers, Topics.IDENTITY_EVENTS_DLT.name())
			.stream()
			.filter((r) -> identity.toString().equals(new String(r.key(), StandardCharsets.UTF_8)))
			.toList();
	}

	private static String text(ConsumerRecord<byte[], byte[]> record, String header) {
		return new String(record.headers().lastHeader(header).value(), StandardCharsets.UTF_8);
	}

	/**
	 * Publishes a marker event for the identity and waits until it is applied: records of
	 * one key are consumed in order, so everything published for the identity before it
	 * has been processed too.
	 */
	private void awaitConsumed(IdentityId identity) {
		EventEnvelope marker = envelope(new PasswordChanged(identity, Instant.parse("2000-01-01T00:00:00Z"), null));
		publish(marker);
		await().atMost(Duration.ofSeconds(30)).until(() -> inboxRows(marker.id()) == 1);
	}

}
