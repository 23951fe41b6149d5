package io.kratossync.ingest.cdc;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.kratossync.events.AddressVerified;
import io.kratossync.events.EventEnvelope;
import io.kratossync.events.EventType;
import io.kratossync.events.IdentityCreated;
import io.kratossync.events.IdentityDeleted;
import io.kratossync.events.IdentityUpdated;
import io.kratossync.events.Profile;
import io.kratossync.events.SessionExpired;
import io.kratossync.events.SessionIssued;
import io.kratossync.events.SessionRevoked;
import io.kratossync.events.StateChanged;
import io.kratossync.testing.KratosDatabase;
import io.kratossync.testing.RestartablePostgres;
import io.kratossync.testing.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static io.kratossync.ingest.cdc.CdcTestSupport.awaitReading;
import static io.kratossync.ingest.cdc.CdcTestSupport.events;
import static io.kratossync.ingest.cdc.CdcTestSupport.ingest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Change data capture of a real Kratos v25.4.0 schema on PostgreSQL with
 * {@code wal_level=logical}, written to as Kratos writes each operation
 * ({@link KratosDatabase}), published to a real broker: each operation gives its events
 * and nothing more, and no secret of Kratos's database reaches a record, a header or a
 * log line.
 */
@ExtendWith(OutputCaptureExtension.class)
class ChangeDataCaptureIntegrationTests {

	private static RestartablePostgres server;

	private static KratosDatabase kratos;

	private static TestBroker broker;

	@BeforeAll
	static void start() {
		server = RestartablePostgres.startLogical();
		kratos = KratosDatabase.create(server, "kratos");
		broker = TestBroker.start(3);
	}

	@AfterAll
	static void stop() {
		broker.stop();
		server.close();
	}

	@Test
	void everyKratosOperationGivesItsEventsAndNothingMore(CapturedOutput output) {
		try (ConfigurableApplicationContext ingest = ingest(broker.getBrokersAsString(), kratos)) {
			List<RowChange> seen = new CopyOnWriteArrayList<>();
			ingest.getBean(ChangeCapture.class).observe(seen::add);
			awaitReading(ingest, kratos);

			KratosDatabase.Identity ada = kratos.createIdentity("ada@example.com", false);
			UUID first = kratos.issueSession(ada.id(), Duration.ofDays(1));
			kratos.verificationSent(ada);
			kratos.verifyAddress(ada);
			ada = kratos.changePassword(ada);
			ada = kratos.changeEmail(ada, "ada.lovelace@example.com");
			kratos.adminEditTraits(ada, "Ada");
			kratos.touch(ada);
			kratos.logout(kratos.token(first));
			UUID second = kratos.issueSession(ada.id(), Duration.ofDays(1));
			kratos.adminDisableSession(second);
			UUID third = kratos.issueSession(ada.id(), Duration.ofDays(1));
			kratos.revokeActiveSessions(ada.id());
			kratos.extendSession(third);
			UUID fourth = kratos.issueSession(ada.id(), Duration.ofDays(1));
			kratos.adminDeleteSessions(ada.id());
			UUID expired = kratos.issueSession(ada.id(), Duration.ofHours(-1));
			kratos.cleanupExpiredSessions();
			kratos.adminSetState(ada, "inactive");
			kratos.adminSetState(ada, "active");
			kratos.issueSession(ada.id(), Duration.ofDays(1));
			kratos.adminDelete(ada.id());
			KratosDatabase.Identity imported = kratos.createIdentity("grace@example.com", true);

			UUID adaId = ada.id();
			List<EventType> expected = List.of(EventType.IDENTITY_CREATED, EventType.SESSION_ISSUED,
					EventType.ADDRESS_VERIFIED, EventType.PASSWORD_CHANGED, EventType.IDENTITY_UPDATED,
					EventType.IDENTITY_UPDATED, EventType.SESSION_REVOKED, EventType.SESSION_ISSUED,
					EventType.SESSION_REVOKED, EventType.SESSION_ISSUED, EventType.SESSION_REVOKED,
					EventType.SESSION_ISSUED, EventType.SESSION_REVOKED, EventType.SESSION_ISSUED,
					EventType.SESSION_EXPIRED, EventType.STATE_CHANGED, EventType.STATE_CHANGED,
					EventType.SESSION_ISSUED, EventType.IDENTITY_DELETED);
			await().atMost(Duration.ofSeconds(60))
				.until(() -> events(broker.getBrokersAsString(), Set.of(adaId, imported.id())).size() >= expected.size()
						+ 1);
			List<EventEnvelope> events = events(broker.getBrokersAsString(), Set.of(adaId));

			assertThat(events).extracting(EventEnvelope::type).containsExactlyElementsOf(expected);
			assertThat(events).allSatisfy((e) -> assertThat(e.source()).isEqualTo("/kratos-sync/cdc"));
			assertThat(events).extracting(EventEnvelope::id).doesNotHaveDuplicates();
			assertThat(((IdentityCreated) events.get(0).data()).profile())
				.isEqualTo(new Profile("default", "active", "ada@example.com", false));
			assertThat(((AddressVerified) events.get(2).data()).address()).isEqualTo("ada@example.com");
			assertThat(((IdentityUpdated) events.get(4).data()).profile())
				.isEqualTo(new Profile("default", "active", "ada.lovelace@example.com", false));
			assertThat(((SessionIssued) events.get(1).data()).sessionId()).isEqualTo(first);
			assertThat(((SessionIssued) events.get(1).data()).methods()).containsExactly("password");
			assertThat(((SessionRevoked) events.get(6).data()))
				.extracting(SessionRevoked::sessionId, SessionRevoked::reason)
				.containsExactly(first, "deactivated");
			assertThat(((SessionRevoked) events.get(8).data()).sessionId()).isEqualTo(second);
			assertThat(((SessionRevoked) events.get(10).data()).sessionId()).isEqualTo(third);
			assertThat(((SessionRevoked) events.get(12).data()))
				.extracting(SessionRevoked::sessionId, SessionRevoked::reason)
				.containsExactly(fourth, "deleted");
			assertThat(((SessionExpired) events.get(14).data()).sessionId()).isEqualTo(expired);
			assertThat(((StateChanged) events.get(15).data()).state()).isEqualTo("inactive");
			assertThat(((StateChanged) events.get(16).data()).state()).isEqualTo("active");
			assertThat(events.get(18).data()).isInstanceOf(IdentityDeleted.class);

			// what Debezium let through to the mapping: no token column, the credential
			// config digested
			assertThat(seen).extracting(RowChange::table).contains("sessions", "identity_credentials");
			assertThat(seen.toString()).doesNotContain(KratosDatabase.MARKER).doesNotContain("hashed_password");
			assertThat(seen).filteredOn((c) -> c.table().equals("sessions"))
				.allSatisfy((c) -> assertThat(c.row()).containsKey("identity_id")
					.doesNotContainKeys("token", "logout_token"));

			List<EventEnvelope> grace = events(broker.getBrokersAsString(), Set.of(imported.id()));
			assertThat(grace).extracting(EventEnvelope::type).containsExactly(EventType.IDENTITY_CREATED);
			assertThat(((IdentityCreated) grace.get(0).data()).profile().emailVerified()).isTrue();
		}
		assertThat(CdcTestSupport.everything(broker.getBrokersAsString())).doesNotContain(KratosDatabase.MARKER)
			.doesNotContain("hashed_password")
			.doesNotContain("ory_st_");
		assertThat(output.getAll()).contains("now reads slot kratos_sync").doesNotContain(KratosDatabase.MARKER);
	}

	@Test
	void aSecondInstanceStandsByAndTakesOverWhenTheReaderGoes() {
		ConfigurableApplicationContext first = ingest(broker.getBrokersAsString(), kratos);
		try (ConfigurableApplicationContext second = ingest(broker.getBrokersAsString(), kratos)) {
			awaitReading(first, kratos);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> CdcTestSupport.role(second) == ChangeCapture.Role.STANDBY);
			KratosDatabase.Identity before = kratos.createIdentity("first@example.com", false);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> events(broker.getBrokersAsString(), Set.of(before.id())).size() == 1);
			assertThat(CdcTestSupport.role(second)).isEqualTo(ChangeCapture.Role.STANDBY);

			first.close();
			awaitReading(second, kratos);
			KratosDatabase.Identity after = kratos.createIdentity("second@example.com", false);
			kratos.adminSetState(after, "inactive");

			await().atMost(Duration.ofSeconds(30))
				.until(() -> events(broker.getBrokersAsString(), Set.of(after.id())).size() == 2);
			assertThat(events(broker.getBrokersAsString(), Set.of(before.id()))).extracting(EventEnvelope::type)
				.containsExactly(EventType.IDENTITY_CREATED);
			assertThat(events(broker.getBrokersAsString(), Set.of(after.id()))).extracting(EventEnvelope::type)
				.containsExactly(EventType.IDENTITY_CREATED, EventType.STATE_CHANGED);
		}
		finally {
			first.close();
		}
	}

	@Test
	void aRestartOfKratosDatabaseLosesNoChange() {
		try (ConfigurableApplicationContext ingest = ingest(broker.getBrokersAsString(), kratos)) {
			awaitReading(ingest, kratos);
			KratosDatabase.Identity before = kratos.createIdentity("before@example.com", false);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> events(broker.getBrokersAsString(), Set.of(before.id())).size() == 1);

			server.down();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> CdcTestSupport.role(ingest) != ChangeCapture.Role.READING);
			server.up();
			// written as soon as the database is back, before the source has reconnected:
			// the slot keeps it
			KratosDatabase.Identity after = kratos.createIdentity("after@example.com", false);
			kratos.adminDelete(before.id());

			awaitReading(ingest, kratos);
			await().atMost(Duration.ofSeconds(60))
				.until(() -> events(broker.getBrokersAsString(), Set.of(before.id(), after.id())).size() == 3);
			assertThat(events(broker.getBrokersAsString(), Set.of(before.id()))).extracting(EventEnvelope::type)
				.containsExactly(EventType.IDENTITY_CREATED, EventType.IDENTITY_DELETED);
			assertThat(events(broker.getBrokersAsString(), Set.of(after.id()))).extracting(EventEnvelope::type)
				.containsExactly(EventType.IDENTITY_CREATED);
		}
	}

	/**
	 * The README's set-up for a separate, least-privilege role: REPLICATION and CONNECT,
	 * the publication and the replica identity made by the tables' owner, nothing created
	 * by the source.
	 */
	@Test
	void aLeastPrivilegeReplicationRoleSetUpAsTheReadmeSaysReadsTheChanges() throws Exception {
		try (var c = kratos.connect(); var statement = c.createStatement()) {
			statement.execute("CREATE ROLE kratos_sync_cdc WITH LOGIN REPLICATION PASSWORD 'cdc-password-0123'");
			statement.execute("GRANT CONNECT ON DATABASE kratos TO kratos_sync_cdc");
			for (String table : List.of("identities", "identity_credentials", "identity_verifiable_addresses",
					"sessions")) {
				statement.execute("ALTER TABLE " + table + " REPLICA IDENTITY FULL");
			}
			statement.execute("CREATE PUBLICATION kratos_sync_least FOR TABLE identities, identity_credentials, "
					+ "identity_verifiable_addresses, sessions");
		}
		String url = kratos.url().replace("jdbc:postgresql://", "postgres://kratos_sync_cdc:cdc-password-0123@");
		try (ConfigurableApplicationContext ingest = ingest(broker.getBrokersAsString(), kratos,
				"--kratos-sync.cdc.database-url=" + url, "--kratos-sync.cdc.slot-name=kratos_sync_least",
				"--kratos-sync.cdc.publication-name=kratos_sync_least",
				"--kratos-sync.cdc.publication-autocreate=disabled", "--kratos-sync.cdc.set-replica-identity=false")) {
			await().atMost(Duration.ofSeconds(60))
				.until(() -> CdcTestSupport.role(ingest) == ChangeCapture.Role.READING
						&& kratos.slotActive("kratos_sync_least"));
			assertThat(ingest.getBean(CdcProperties.class).database().user()).isEqualTo("kratos_sync_cdc");
			KratosDatabase.Identity identity = kratos.createIdentity("least@example.com", false);
			kratos.adminSetState(identity, "inactive");

			await().atMost(Duration.ofSeconds(30))
				.until(() -> events(broker.getBrokersAsString(), Set.of(identity.id())).size() == 2);
			assertThat(events(broker.getBrokersAsString(), Set.of(identity.id()))).extracting(EventEnvelope::type)
				.containsExactly(EventType.IDENTITY_CREATED, EventType.STATE_CHANGED);
		}
		try (var c = kratos.connect(); var statement = c.createStatement()) {
			statement.execute("SELECT pg_drop_replication_slot('kratos_sync_least')");
		}
	}

}
