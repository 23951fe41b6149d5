package io.kratossync.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.kratossync.events.AddressVerified;
import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityId;
import io.kratossync.events.LoggedIn;
import io.kratossync.events.Profile;
import io.kratossync.events.ProfileUpdated;
import io.kratossync.events.Registered;
import io.kratossync.worker.apply.UserSettings;
import io.kratossync.worker.apply.UserSettingsRepository;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each field is fenced by the time of the change that set it: events arriving late or out
 * of order never rewind newer state.
 */
class FencingIntegrationTests extends WorkerIntegrationTestSupport {

	private static final Instant T1 = Instant.parse("2026-05-01T10:00:00Z");

	private static final Instant T2 = Instant.parse("2026-05-01T11:00:00Z");

	private static final Instant T3 = Instant.parse("2026-05-01T12:00:00Z");

	@Autowired
	UserSettingsRepository settings;

	@Test
	void aLateLoginNeverRewindsLastLoginAt() {
		IdentityId identity = new IdentityId(UUID.randomUUID());
		EventEnvelope newer = envelope(new LoggedIn(identity, T2, "totp", UUID.randomUUID(), "aal2"));
		EventEnvelope late = envelope(new LoggedIn(identity, T1, "password", null, "aal1"));

		publishAndAwait(newer, late);

		UserSettings stored = this.settings.find(identity.value()).orElseThrow();
		assertThat(stored.lastLoginAt()).isEqualTo(T2);
		assertThat(stored.lastLoginMethod()).isEqualTo("totp");
		assertThat(stored.lastLoginAal()).isEqualTo("aal2");
	}

	@Test
	void anOlderProfileUpdateNeverOverwritesANewerOne() {
		IdentityId identity = new IdentityId(UUID.randomUUID());
		EventEnvelope newer = envelope(new ProfileUpdated(identity, T3, "profile",
				new Profile("default", "active", "new@example.com", false)));
		EventEnvelope older = envelope(
				new ProfileUpdated(identity, T2, "profile", new Profile("default", "active", "old@example.com", true)));

		publishAndAwait(newer, older);

		UserSettings stored = this.settings.find(identity.value()).orElseThrow();
		assertThat(stored.email()).isEqualTo("new@example.com");
		assertThat(stored.emailVerified()).isFalse();
	}

	@Test
	void theEarliestRegistrationWinsAndALaterProfileStillApplies() {
		IdentityId identity = new IdentityId(UUID.randomUUID());
		EventEnvelope profile = envelope(new ProfileUpdated(identity, T3, "profile",
				new Profile("default", "active", "later@example.com", null)));
		EventEnvelope registered = envelope(
				new Registered(identity, T1, "oidc", new Profile("default", "active", "first@example.com", false)));

		publishAndAwait(profile, registered);

		UserSettings stored = this.settings.find(identity.value()).orElseThrow();
		assertThat(stored.registeredAt()).isEqualTo(T1);
		assertThat(stored.registrationMethod()).isEqualTo("oidc");
		assertThat(stored.email()).isEqualTo("later@example.com");
		assertThat(stored.emailVerified()).isFalse();
	}

	@Test
	void verifyingThePrimaryAddressMarksItVerifiedButASecondaryOneDoesNot() {
		IdentityId identity = new IdentityId(UUID.randomUUID());
		EventEnvelope registered = envelope(
				new Registered(identity, T1, "password", new Profile("default", "active", "me@example.com", false)));
		EventEnvelope secondary = envelope(new AddressVerified(identity, T2, "other@example.com", "email"));

		publishAndAwait(registered, secondary);
		assertThat(this.settings.find(identity.value()).orElseThrow().emailVerified()).isFalse();

		publishAndAwait(envelope(new AddressVerified(identity, T3, "ME@example.com", "email")));
		assertThat(this.settings.find(identity.value()).orElseThrow().emailVerified()).isTrue();
	}

	@Test
	void aVerificationArrivingBeforeTheProfileThatIntroducedTheAddressIsKept() {
		IdentityId identity = new IdentityId(UUID.randomUUID());
		publishAndAwait(envelope(
				new Registered(identity, T1, "password", new Profile("default", "active", "old@example.com", true))));
		// the user changes the e-mail at T2 and verifies the new address at T3; the
		// verification arrives first
		EventEnvelope verified = envelope(new AddressVerified(identity, T3, "new@example.com", "email"));
		EventEnvelope changed = envelope(new ProfileUpdated(identity, T2, "profile",
				new Profile("default", "active", "new@example.com", false)));

		publishAndAwait(verified, changed);

		UserSettings stored = this.settings.find(identity.value()).orElseThrow();
		assertThat(stored.email()).isEqualTo("new@example.com");
		assertThat(stored.emailVerified()).isTrue();
	}

	@Test
	void aVerificationOfAnAddressBeforeItWasIntroducedAgainDoesNotCount() {
		IdentityId identity = new IdentityId(UUID.randomUUID());
		// verified at T1, then removed; re-added at T3 as a new, unverified address
		publishAndAwait(envelope(new AddressVerified(identity, T1, "back@example.com", "email")),
				envelope(new ProfileUpdated(identity, T2, "profile",
						new Profile("default", "active", "other@example.com", false))),
				envelope(new ProfileUpdated(identity, T3, "profile",
						new Profile("default", "active", "back@example.com", false))));

		assertThat(this.settings.find(identity.value()).orElseThrow().emailVerified()).isFalse();
	}

	private void publishAndAwait(EventEnvelope... events) {
		publish(events);
		for (EventEnvelope event : events) {
			await().atMost(Duration.ofSeconds(30)).until(() -> inboxRows(event.id()) == 1);
		}
	}

}
