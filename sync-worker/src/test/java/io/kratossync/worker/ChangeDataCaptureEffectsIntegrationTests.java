package io.kratossync.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import io.kratossync.events.AddressVerified;
import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityCreated;
import io.kratossync.events.IdentityDeleted;
import io.kratossync.events.IdentityId;
import io.kratossync.events.IdentityUpdated;
import io.kratossync.events.LoggedIn;
import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.events.Profile;
import io.kratossync.events.ProfileUpdated;
import io.kratossync.events.Registered;
import io.kratossync.events.SessionIssued;
import io.kratossync.events.SessionRevoked;
import io.kratossync.events.StateChanged;
import io.kratossync.worker.apply.UserSettings;
import io.kratossync.worker.apply.UserSettingsRepository;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the events that change data capture brings do to the application state: created
 * and updated refresh the profile, a state change stores the state (and a deactivation
 * revokes the identity's sessions once), a deletion erases the identity's personal data
 * and leaves a tombstone that no later-arriving event of the identity writes through, and
 * session events change nothing.
 */
class ChangeDataCaptureEffectsIntegrationTests extends WorkerIntegrationTestSupport {

	private static final Instant T1 = Instant.parse("2026-06-01T10:00:00Z");

	private static final Instant T2 = Instant.parse("2026-06-01T11:00:00Z");

	private static final Instant T3 = Instant.parse("2026-06-01T12:00:00Z");

	private static final Instant T4 = Instant.parse("2026-06-01T13:00:00Z");

	@Autowired
	UserSettingsRepository settings;

	@Test
	void aDeletionErasesThePersonalDataAndNoLaterArrivingEventBringsItBack() {
		IdentityId identity = new IdentityId(UUID.randomUUID());
		publishAndAwait(
				envelope(new Registered(identity, T1, "password",
						new Profile("default", "active", "ada@example.com", false))),
				envelope(new AddressVerified(identity, T1, "ada@example.com", "email")),
				envelope(new LoggedIn(identity, T2, "password", null, "aal1")));
		assertThat(this.settings.find(identity.value())).isPresent();

		publishAndAwait(envelope(new IdentityDeleted(identity, T3)));
		EventEnvelope requirement = envelope(new PasswordChangeRequired(identity, T4, "late", T1));
		publishAndAwait(envelope(new LoggedIn(identity, T2.plusSeconds(1), "password", null, "aal1")),
				envelope(new ProfileUpdated(identity, T2, "profile",
						new Profile("default", "active", "ada@example.com", true))),
				envelope(new AddressVerified(identity, T2, "ada@example.com", "email")),
				envelope(new IdentityCreated(identity, T1, new Profile("default", "active", "ada@example.com", false))),
				// Kratos never re-uses an id: not even a later time writes through
				envelope(new LoggedIn(identity, T4, "password", null, "aal1")), requirement);

		assertThat(this.settings.find(identity.value())).isEmpty();
		Map<String, Object> row = this.jdbc.sql("SELECT * FROM user_settings WHERE identity_id = ?")
			.param(identity.value())
			.query()
			.singleRow();
		assertThat(row.get("deleted_at")).isNotNull();
		assertThat(row).containsEntry("email", null)
			.containsEntry("last_login_at", null)
			.containsEntry("registered_at", null)
			.containsEntry("email_verified", null)
			.containsEntry("force_password_change", false);
		assertThat(this.jdbc.sql("SELECT count(*) FROM verified_addresses WHERE identity_id = ?")
			.param(identity.value())
			.query(Long.class)
			.single()).isZero();
		assertThat(actionStatus(requirement.id())).as("no revocation for a deleted identity").isNull();
	}

	@Test
	void aDeletionOfAnIdentityNeverSeenStillFencesItsLateEvents() {
		IdentityId identity = new IdentityId(UUID.randomUUID());
		publishAndAwait(envelope(new IdentityDeleted(identity, T3)),
				envelope(new LoggedIn(identity, T2, "password", null, "aal1")));

		assertThat(this.jdbc.sql("SELECT last_login_at FROM user_settings WHERE identity_id = ?")
			.param(identity.value())
			.query()
			.singleRow()).containsEntry("last_login_at", null);
	}

	@Test
	void aDeactivationStoresTheStateAndRevokesTheSessionsOnce() {
		IdentityId identity = new IdentityId(UUID.randomUUID());
		kratos.createIdentity(identity.value());
		kratos.createSession(identity.value());
		EventEnvelope deactivated = envelope(new StateChanged(identity, T2, "inactive"));
		publishAndAwait(
				envelope(new IdentityCreated(identity, T1, new Profile("default", "active", "ada@example.com", false))),
				deactivated);
		// the same change again (another id: webhook and capture, or a second capture)
		publishAndAwait(envelope(new StateChanged(identity, T2, "inactive")));

		assertThat(this.settings.find(identity.value()).orElseThrow().state()).isEqualTo("inactive");
		await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(actionStatus(deactivated.id())));
		assertThat(kratos.revocationCalls(identity.value())).hasSize(1);
		assertThat(kratos.activeSessions(identity.value())).isZero();
	}

	@Test
	void aStateChangeAndAnUpdateOfOneKratosTransactionBothApply() {
		IdentityId identity = new IdentityId(UUID.randomUUID());
		publishAndAwait(
				envelope(new IdentityCreated(identity, T1, new Profile("default", "active", "old@example.com", true))),
				envelope(new StateChanged(identity, T2, "inactive")),
				envelope(new IdentityUpdated(identity, T2,
						new Profile("default", "inactive", "new@example.com", false))),
				// an older profile arriving late changes neither
				envelope(new IdentityUpdated(identity, T1.plusSeconds(1),
						new Profile("default", "active", "older@example.com", null))));

		UserSettings stored = this.settings.find(identity.value()).orElseThrow();
		assertThat(stored.state()).isEqualTo("inactive");
		assertThat(stored.email()).isEqualTo("new@example.com");
		assertThat(stored.emailVerified()).isFalse();
	}

	@Test
	void anOlderStateChangeNeverOverwritesANewerOne() {
		IdentityId identity = new IdentityId(UUID.randomUUID());
		EventEnvelope stale = envelope(new StateChanged(identity, T2, "inactive"));
		publishAndAwait(envelope(new StateChanged(identity, T3, "active")), stale);

		assertThat(this.settings.find(identity.value()).orElseThrow().state()).isEqualTo("active");
		assertThat(actionStatus(stale.id())).as("a stale deactivation revokes nothing").isNull();
	}

	@Test
	void sessionEventsChangeNoApplicationState() {
		IdentityId identity = new IdentityId(UUID.randomUUID());
		UUID session = UUID.randomUUID();
		publishAndAwait(envelope(new SessionIssued(identity, T1, session, "aal1", java.util.List.of("password"), T4)),
				envelope(new SessionRevoked(identity, T2, session, "deactivated")));

		assertThat(this.jdbc.sql("SELECT count(*) FROM user_settings WHERE identity_id = ?")
			.param(identity.value())
			.query(Long.class)
			.single()).isZero();
	}

	private void publishAndAwait(EventEnvelope... events) {
		publish(events);
		for (EventEnvelope event : events) {
			await().atMost(Duration.ofSeconds(30)).until(() -> inboxRows(event.id()) == 1);
		}
	}

}
