package io.kratossync.worker.history;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.EventType;
import io.kratossync.events.IdentityId;
import io.kratossync.events.LoggedIn;
import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.events.PasswordChanged;
import io.kratossync.events.Profile;
import io.kratossync.events.ProfileUpdated;
import io.kratossync.events.Registered;
import io.kratossync.events.Topics;
import io.kratossync.testing.EventProducer;
import io.kratossync.testing.KratosStub;
import io.kratossync.testing.Postgres;
import io.kratossync.testing.TestBroker;
import io.kratossync.testing.TestKafka;
import io.kratossync.testing.TopicProbe;
import io.kratossync.worker.SyncWorkerApplication;
import io.kratossync.worker.apply.Delivery;
import io.kratossync.worker.apply.EventHandler;
import io.kratossync.worker.apply.Outcomes;
import io.kratossync.worker.apply.Writes;
import io.kratossync.worker.cli.Commands;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The topic as history, on the real broker and PostgreSQL beside a live worker: replay
 * restores a doctored row (its dry run changes nothing), stays correct while the live
 * consumer applies more, rebuild compares equal and swaps, the dead letters are redriven
 * once; none of them calls Kratos or writes the outbox. Each command runs as the jar runs
 * it, through {@link Commands}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "spring.config.name=" + SyncWorkerApplication.CONFIG_NAME,
				"spring.main.web-application-type=none", "kratos-sync.worker.outbox.poll-interval=100ms",
				"kratos-sync.worker.consumer.initial-backoff=100ms", "kratos-sync.worker.consumer.max-backoff=200ms" })
@TestKafka(bootstrapServersProperty = "spring.kafka.bootstrap-servers")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HistoryIntegrationTests {

	private static final String DATABASE = Postgres.freshDatabase();

	private static final KratosStub kratos = KratosStub.start();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Rejects a valid value while set: the handler bug that dead-letters real events. */
	static final AtomicBoolean rejectWebauthn = new AtomicBoolean();

	@TestConfiguration(proxyBeanMethods = false)
	static class BuggyHandler {

		@Bean
		@Primary
		EventHandler buggyHandler(@Qualifier("stateChanges") EventHandler handler) {
			return new EventHandler() {

				@Override
				public void handle(Delivery delivery, Writes writes, Outcomes outcomes) {
					if (rejectWebauthn.get() && delivery.event().data() instanceof LoggedIn login
							&& "webauthn".equals(login.method())) {
						throw new IllegalArgumentException("unsupported login method webauthn");
					}
					handler.handle(delivery, writes, outcomes);
				}

			};
		}

	}

	@DynamicPropertySource
	static void infrastructure(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", () -> DATABASE);
		registry.add("spring.datasource.username", () -> "postgres");
		registry.add("spring.datasource.password", () -> "postgres");
		registry.add("kratos-sync.worker.kratos.admin-url", kratos::url);
		registry.add("kratos-sync.worker.kratos.public-url", kratos::url);
	}

	@AfterAll
	static void stopKratos() {
		kratos.close();
	}

	@Autowired
	JdbcClient jdbc;

	@Autowired
	KafkaProperties kafka;

	@Autowired
	MeterRegistry meters;

	String bootstrapServers;

	@Autowired
	void broker(TestBroker broker) {
		this.bootstrapServers = broker.getBrokersAsString();
	}

	record Run(int code, String out, String err) {

		JsonNode json() {
			return JSON.readTree(this.out);
		}

	}

	@Test
	@Order(1)
	void replayRestoresADoctoredRowAndItsDryRunChangesNothing() {
		UUID id = UUID.randomUUID();
		Instant t = Instant.parse("2026-03-01T10:00:00Z");
		List<EventEnvelope> history = identityHistory(id, t);
		apply(history);
		Map<String, Object> restored = row(id);
		long calls = kratos.calls().size();
		long actions = count("kratos_actions");
		long inbox = count("processed_events");

		this.jdbc
			.sql("UPDATE user_settings SET email = 'someone@else.example', force_password_change = true,"
					+ " last_login_method = 'doctored' WHERE identity_id = ?")
			.param(id)
			.update();
		Map<String, Object> doctored = row(id);

		Run dryRun = command("replay", "--from", "earliest", "--identity", id.toString(), "--dry-run");
		assertThat(dryRun.code()).as(dryRun.err()).isEqualTo(Commands.DIFFERENT);
		assertThat(dryRun.out()).contains("differs from history in 3 fields of 1 identities")
			.contains(id + "  user_settings.email  stored someone@else.example, history says " + id + "@example.com")
			.contains("user_settings.force_password_change  stored true, history says false")
			.contains("user_settings.last_login_method  stored doctored, history says password")
			.contains("dry run: nothing written");
		assertThat(dryRun.err()).contains("replay: recomputing 1 identities: ").contains("records/s");
		assertThat(row(id)).isEqualTo(doctored);

		Run replay = command("replay", "--from", "earliest", "--identity", id.toString(), "--json");
		assertThat(replay.code()).as(replay.err()).isEqualTo(Commands.OK);
		assertThat(replay.json().get("written").asBoolean()).isTrue();
		assertThat(replay.json().at("/comparison/identities").asLong()).isEqualTo(1);
		assertThat(withoutUpdatedAt(row(id))).isEqualTo(withoutUpdatedAt(restored));

		Run again = command("replay", "--from", "earliest", "--identity", id.toString(), "--dry-run");
		assertThat(again.code()).isEqualTo(Commands.OK);
		assertThat(again.out()).contains("the stored state is what history says");

		assertThat(kratos.calls()).hasSize((int) calls);
		assertThat(count("kratos_actions")).isEqualTo(actions);
		assertThat(count("processed_events")).isEqualTo(inbox);
	}

	@Test
	@Order(2)
	void replayOfAWindowReplaysTheIdentitiesWithRecordsInIt() {
		UUID before = UUID.randomUUID();
		apply(identityHistory(before, Instant.parse("2026-03-02T10:00:00Z")));
		Instant from = Instant.now();
		await().until(() -> Instant.now().isAfter(from.plusMillis(5)));
		UUID inside = UUID.randomUUID();
		apply(identityHistory(inside, Instant.parse("2026-03-02T11:00:00Z")));
		this.jdbc.sql("UPDATE user_settings SET last_login_method = 'doctored' WHERE identity_id IN (?, ?)")
			.params(before, inside)
			.update();

		Run run = command("replay", "--from", from.toString(), "--dry-run", "--json");

		assertThat(run.code()).as(run.err()).isEqualTo(Commands.DIFFERENT);
		assertThat(run.json().get("identities").asInt()).isEqualTo(1);
		assertThat(run.json().at("/comparison/differences/0/identity").asString()).isEqualTo(inside.toString());
		Run mend = command("replay", "--from", "earliest", "--identity", before.toString(), "--identity",
				inside.toString());
		assertThat(mend.code()).as(mend.err()).isEqualTo(Commands.OK);
		assertThat(mend.out()).contains("written: ");
	}

	@Test
	@Order(3)
	void replayBesideTheLiveConsumerKeepsWhatTheConsumerAppliedMeanwhile() {
		UUID id = UUID.randomUUID();
		apply(identityHistory(id, Instant.parse("2026-03-03T10:00:00Z")));
		this.jdbc.sql("UPDATE user_settings SET last_login_method = 'doctored' WHERE identity_id = ?")
			.param(id)
			.update();
		Instant later = Instant.parse("2026-03-03T12:00:00Z");
		Replay replay = new Replay(sources());
		replay
			.beforeWrite(() -> apply(List.of(envelope(new LoggedIn(new IdentityId(id), later, "totp", null, "aal2")))));

		Replay.Result result = replay.run(new Replay.Options(null, null, Set.of(id), false), Progress.NONE);

		assertThat(result.written()).isTrue();
		Map<String, Object> row = row(id);
		assertThat(row.get("last_login_method")).isEqualTo("totp");
		assertThat(((java.sql.Timestamp) row.get("last_login_at")).toInstant()).isEqualTo(later);
	}

	@Test
	@Order(4)
	void deadLettersAreRedrivenOnceTheCauseIsFixedAndASecondRedriveAppliesNothing() {
		double appliedBefore = loginsCounted("applied");
		double duplicatesBefore = loginsCounted("duplicate");
		rejectWebauthn.set(true);
		List<EventEnvelope> rejected = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			rejected.add(envelope(new LoggedIn(new IdentityId(UUID.randomUUID()),
					Instant.parse("2026-03-04T10:00:00Z").plusSeconds(i), "webauthn", null, "aal1")));
		}
		EventEnvelope accepted = envelope(new LoggedIn(new IdentityId(UUID.randomUUID()),
				Instant.parse("2026-03-04T11:00:00Z"), "password", null, "aal1"));
		List<EventEnvelope> all = new ArrayList<>(rejected);
		all.add(accepted);
		EventProducer.publish(this.bootstrapServers, all);
		await().atMost(Duration.ofSeconds(60))
			.until(() -> TopicProbe.endOffsetSum(this.bootstrapServers, Topics.IDENTITY_EVENTS_DLT.name()) >= 3
					&& inInbox(List.of(accepted)));
		// one of them delivered again (Kratos retried it): dead-lettered a second time
		EventProducer.publish(this.bootstrapServers, List.of(rejected.get(1)));
		await().atMost(Duration.ofSeconds(60))
			.until(() -> TopicProbe.endOffsetSum(this.bootstrapServers, Topics.IDENTITY_EVENTS_DLT.name()) >= 4);

		Run list = command("dlt", "list", "--json");
		assertThat(list.code()).as(list.err()).isEqualTo(Commands.OK);
		JsonNode letters = list.json().get("deadLetters");
		assertThat(letters).hasSize(4);
		assertThat(letters.get(0).get("reason").asString()).contains("unsupported login method webauthn");
		assertThat(letters.get(0).get("type").asString()).isEqualTo(EventType.LOGGED_IN.ceType());
		assertThat(letters.get(0).get("originalTopic").asString()).isEqualTo(Topics.IDENTITY_EVENTS.name());
		assertThat(letters.get(0).get("originalOffset").isNumber()).isTrue();
		assertThat(command("dlt", "list", "--type", EventType.PASSWORD_CHANGED.ceType()).out())
			.contains("0 dead letters");
		assertThat(command("dlt", "list").out()).contains("4 dead letters").contains("unsupported login method");
		Instant firstDeadLetter = Instant.parse(letters.get(0).get("deadLetteredAt").asString());
		assertThat(command("dlt", "list", "--since", firstDeadLetter.plusMillis(1).toString(), "--json").json()
			.get("deadLetters")).hasSize(3);
		assertThat(command("dlt", "list", "--since", Instant.now().plusSeconds(60).toString()).out())
			.contains("0 dead letters");

		long mainTopic = TopicProbe.endOffsetSum(this.bootstrapServers, Topics.IDENTITY_EVENTS.name());
		Run dryRun = command("dlt", "redrive", "--dry-run");
		assertThat(dryRun.out()).contains("dry run: would redrive 3 dead letters")
			.contains("left alone: 0 already applied, 1 repeating an event redriven here");
		assertThat(TopicProbe.endOffsetSum(this.bootstrapServers, Topics.IDENTITY_EVENTS.name())).isEqualTo(mainTopic);

		rejectWebauthn.set(false);
		// first one dead letter of an event dead-lettered once
		String first = null;
		for (JsonNode letter : letters) {
			if (!letter.get("eventId").asString().equals(rejected.get(1).id().toString())) {
				first = letter.get("position").asString();
				break;
			}
		}
		Run one = command("dlt", "redrive", "--offset", first, "--json");
		assertThat(one.code()).as(one.err()).isEqualTo(Commands.OK);
		assertThat(one.json().get("redriven")).hasSize(1);
		await().atMost(Duration.ofSeconds(30)).until(() -> appliedCount(rejected) == 1);

		Run rest = command("dlt", "redrive", "--json");
		assertThat(rest.json().get("redriven")).hasSize(2);
		assertThat(rest.json().get("alreadyApplied")).hasSize(1);
		assertThat(rest.json().get("repeated")).hasSize(1);
		await().atMost(Duration.ofSeconds(30)).until(() -> inInbox(rejected));
		long afterRedrive = TopicProbe.endOffsetSum(this.bootstrapServers, Topics.IDENTITY_EVENTS.name());
		assertThat(afterRedrive).isEqualTo(mainTopic + 3);

		Run second = command("dlt", "redrive");
		assertThat(second.code()).isEqualTo(Commands.OK);
		assertThat(second.out()).contains("redriven 0 dead letters").contains("left alone: 4 already applied");
		assertThat(TopicProbe.endOffsetSum(this.bootstrapServers, Topics.IDENTITY_EVENTS.name()))
			.isEqualTo(afterRedrive);
		for (EventEnvelope event : rejected) {
			LoggedIn login = (LoggedIn) event.data();
			assertThat(row(login.identityId().value())).containsEntry("last_login_method", "webauthn");
		}
		// each rejected event applied once, the accepted one once, nothing counted twice
		assertThat(loginsCounted("applied") - appliedBefore).isEqualTo(4);
		assertThat(loginsCounted("duplicate") - duplicatesBefore).isZero();
		TopicProbe.records(this.bootstrapServers, Topics.IDENTITY_EVENTS.name())
			.stream()
			.filter((r) -> r.headers().lastHeader("kratos_sync_redrive_count") != null)
			.forEach((r) -> assertThat(TopicProbe.text(r)).doesNotContain("kafka_dlt"));
	}

	@Test
	@Order(5)
	void rebuildComparesEqualFindsADoctoredRowAndSwapsWithoutSideEffects() {
		// a history with requirements, one satisfied by a later password change, one
		// still in force
		UUID satisfied = UUID.randomUUID();
		UUID inForce = UUID.randomUUID();
		kratos.createSession(satisfied);
		kratos.createSession(inForce);
		Instant seen = Instant.parse("2026-02-01T00:00:00Z");
		apply(List.of(
				envelope(new PasswordChangeRequired(new IdentityId(satisfied), Instant.parse("2026-03-05T10:00:00Z"),
						"breach", seen)),
				envelope(new PasswordChangeRequired(new IdentityId(inForce), Instant.parse("2026-03-05T10:00:00Z"),
						"breach", seen)),
				envelope(new PasswordChanged(new IdentityId(satisfied), Instant.parse("2026-03-05T11:00:00Z"), null))));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> count("kratos_actions WHERE status = 'pending'") == 0
					&& kratos.revocationCalls(inForce).size() == 1);
		// an id seen again with other content: the inbox keeps the first, in the rebuild
		// too
		UUID twice = UUID.randomUUID();
		EventEnvelope first = envelope(
				new LoggedIn(new IdentityId(twice), Instant.parse("2026-03-05T12:00:00Z"), "password", null, "aal1"));
		double duplicates = loginsCounted("duplicate");
		apply(List.of(first));
		EventProducer.publish(this.bootstrapServers, List.of(new EventEnvelope(first.id(), "/test", Instant.now(),
				new LoggedIn(new IdentityId(twice), Instant.parse("2026-03-05T13:00:00Z"), "webauthn", null, "aal1"))));
		await().atMost(Duration.ofSeconds(30)).until(() -> loginsCounted("duplicate") == duplicates + 1);
		long calls = kratos.calls().size();
		long actions = count("kratos_actions");
		long inbox = count("processed_events");
		long rows = count("user_settings");

		Run compare = command("rebuild", "--compare", "--json");
		assertThat(compare.code()).as(compare.out() + compare.err()).isEqualTo(Commands.OK);
		assertThat(compare.json().at("/comparison/different").asLong()).isZero();
		assertThat(compare.json().at("/comparison/identical").asLong())
			.isEqualTo(compare.json().at("/comparison/rows").asLong())
			.isGreaterThanOrEqualTo(rows);
		assertThat(compare.json().get("schemaKept").asBoolean()).isFalse();
		assertThat(compare.err()).contains("rebuild: rebuilding into schema kratos_sync_rebuild: ");

		this.jdbc.sql("UPDATE user_settings SET force_password_change = false WHERE identity_id = ?")
			.param(inForce)
			.update();
		Run differs = command("rebuild", "--compare");
		assertThat(differs.code()).as(differs.err()).isEqualTo(Commands.DIFFERENT);
		assertThat(differs.out()).contains("1 different (1 identities)")
			.contains(inForce + "  user_settings.force_password_change  stored false, history says true");

		Run swap = command("rebuild", "--swap", "--json");
		assertThat(swap.code()).as(swap.err()).isEqualTo(Commands.OK);
		assertThat(swap.json().get("swapped").asBoolean()).isTrue();
		assertThat(swap.json().at("/comparison/different").asLong()).isEqualTo(1);
		assertThat(row(inForce)).containsEntry("force_password_change", true);
		assertThat(this.jdbc
			.sql("SELECT force_password_change FROM kratos_sync_rebuild.previous_user_settings WHERE identity_id = ?")
			.param(inForce)
			.query(Boolean.class)
			.single()).isFalse();

		Run exists = command("rebuild", "--compare");
		assertThat(exists.code()).isEqualTo(Commands.FAILED);
		assertThat(exists.err()).contains("schema kratos_sync_rebuild exists");
		Run afterSwap = command("rebuild", "--compare", "--schema", "kratos_sync_rebuild_2");
		assertThat(afterSwap.code()).as(afterSwap.out()).isEqualTo(Commands.OK);
		assertThat(afterSwap.out()).contains(" 0 different");

		assertThat(kratos.calls()).hasSize((int) calls);
		assertThat(count("kratos_actions")).isEqualTo(actions);
		assertThat(count("processed_events")).isEqualTo(inbox);
	}

	@Test
	@Order(6)
	void wrongUsageAndUnreachableInfrastructureGiveTheirExitCodes() {
		assertThat(command("replay").code()).isEqualTo(Commands.USAGE);
		assertThat(command("replay", "--from", "yesterday").err()).contains("not an RFC 3339 time");
		assertThat(command("dlt", "redrive", "--offset", "zero").code()).isEqualTo(Commands.USAGE);
		assertThat(command("rebuild", "--schema", "public; DROP TABLE x").code()).isEqualTo(Commands.USAGE);
		Run down = run(Map.of("spring.datasource.url", DATABASE, "spring.datasource.username", "postgres",
				"spring.datasource.password", "postgres", "spring.kafka.bootstrap-servers", "127.0.0.1:1",
				"spring.kafka.properties.request.timeout.ms", "1000", "spring.kafka.properties.default.api.timeout.ms",
				"2000"), "dlt", "list");
		assertThat(down.code()).isEqualTo(Commands.FAILED);
		assertThat(down.err()).startsWith("dlt list: failed: the broker at 127.0.0.1:1 did not answer");
	}

	// --- helpers

	private List<EventEnvelope> identityHistory(UUID id, Instant t) {
		IdentityId identity = new IdentityId(id);
		return List.of(
				envelope(new Registered(identity, t, "password",
						new Profile("default", "active", id + "@example.com", false))),
				envelope(new LoggedIn(identity, t.plusSeconds(60), "password", null, "aal1")),
				envelope(new PasswordChangeRequired(identity, t.plusSeconds(120), "audit", t)),
				envelope(new PasswordChanged(identity, t.plusSeconds(180), null)), envelope(new ProfileUpdated(identity,
						t.plusSeconds(240), "profile", new Profile("default", "active", id + "@example.com", true))));
	}

	private static EventEnvelope envelope(io.kratossync.events.IdentityEvent event) {
		return new EventEnvelope(UUID.randomUUID(), "/test", Instant.now(), event);
	}

	/**
	 * Publishes the events and waits until the live worker applied them and its outbox
	 * has nothing left to do.
	 */
	private void apply(List<EventEnvelope> events) {
		EventProducer.publish(this.bootstrapServers, events);
		await().atMost(Duration.ofSeconds(60)).until(() -> inInbox(events));
		await().atMost(Duration.ofSeconds(30)).until(() -> count("kratos_actions WHERE status = 'pending'") == 0);
	}

	private boolean inInbox(List<EventEnvelope> events) {
		return appliedCount(events) == events.size();
	}

	private long appliedCount(List<EventEnvelope> events) {
		String[] ids = events.stream().map((e) -> e.id().toString()).toArray(String[]::new);
		return this.jdbc.sql("SELECT count(*) FROM processed_events WHERE event_id = ANY(?::uuid[])")
			.param(ids)
			.query(Long.class)
			.single();
	}

	private double loginsCounted(String outcome) {
		var counter = this.meters.find("kratos_sync_events")
			.tag("type", EventType.LOGGED_IN.ceType())
			.tag("outcome", outcome)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private Map<String, Object> row(UUID id) {
		return this.jdbc.sql("SELECT * FROM user_settings WHERE identity_id = ?").param(id).query().singleRow();
	}

	private static Map<String, Object> withoutUpdatedAt(Map<String, Object> row) {
		Map<String, Object> copy = new java.util.HashMap<>(row);
		copy.remove("updated_at");
		return copy;
	}

	private long count(String table) {
		return this.jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
	}

	private HistorySources sources() {
		return new HistorySources(
				new org.springframework.jdbc.datasource.DriverManagerDataSource(DATABASE, "postgres", "postgres"),
				this.kafka.buildConsumerProperties(), this.kafka.buildProducerProperties());
	}

	private Run command(String... args) {
		return run(Map.of("spring.datasource.url", DATABASE, "spring.datasource.username", "postgres",
				"spring.datasource.password", "postgres", "spring.kafka.bootstrap-servers", this.bootstrapServers,
				"kratos-sync.command.progress-after", "0s", "kratos-sync.command.progress-every", "0s"), args);
	}

	private static Run run(Map<String, Object> settings, String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = Commands.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), settings);
		Run run = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
		// the transcript, as a terminal shows it (the README quotes it)
		System.out.printf("$ java -jar sync-worker.jar %s%n%s%s(exit code %d)%n", String.join(" ", args), run.err(),
				run.out(), code);
		return run;
	}

}
