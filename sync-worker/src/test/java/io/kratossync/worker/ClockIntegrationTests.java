package io.kratossync.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityId;
import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.events.PasswordChanged;
import io.kratossync.worker.apply.UserSettingsRepository;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One clock per decision: a requirement carries Kratos's own time of the password it saw,
 * and a password change Kratos's own time of the change, so hook-ingest's clock (the
 * requirement's {@code required_at}) never decides whether a change satisfies a
 * requirement, however far the two hosts' clocks are apart, and in whichever order the
 * two events arrive.
 */
class ClockIntegrationTests extends WorkerIntegrationTestSupport {

	/** Real time of the scenario; the hosts' clocks are off from it as each test says. */
	private static final Instant NOW = Instant.parse("2026-06-10T12:00:00Z");

	@Autowired
	UserSettingsRepository settings;

	@Test
	void kratosAheadByFiveSecondsAChangeMadeBeforeTheRequirementDoesNotSatisfyIt() {
		// Kratos's clock is 5 s ahead of hook-ingest's. The user changed the password 3 s
		// before the administrator
		// required a change: Kratos stamped it NOW+2s, later than the requirement's NOW
		// on hook-ingest's clock
		IdentityId identity = identity();
		Instant change = NOW.plusSeconds(2);
		EventEnvelope required = envelope(new PasswordChangeRequired(identity, NOW, "breach", change));
		EventEnvelope earlierChange = envelope(new PasswordChanged(identity, change, null));

		publishInOrder(required, earlierChange);

		assertThat(mustChange(identity)).isTrue();
	}

	@Test
	void kratosBehindByFiveSecondsAChangeMadeAfterTheRequirementSatisfiesIt() {
		// Kratos's clock is 5 s behind: the change 2 s after the requirement is stamped
		// NOW-3s, earlier than the
		// requirement's NOW on hook-ingest's clock, yet later than the password the
		// requirement saw
		IdentityId identity = identity();
		EventEnvelope required = envelope(
				new PasswordChangeRequired(identity, NOW, "breach", NOW.minus(Duration.ofDays(30))));
		EventEnvelope laterChange = envelope(new PasswordChanged(identity, NOW.minusSeconds(3), null));

		publishInOrder(required, laterChange);

		assertThat(mustChange(identity)).isFalse();
	}

	@Test
	void aChangeDeliveredBeforeTheRequirementItSatisfiesStillSatisfiesIt() {
		// the requirement's webhook was delayed: the change that satisfies it arrives
		// first
		IdentityId identity = identity();
		Instant seen = NOW.minus(Duration.ofDays(30));
		EventEnvelope laterChange = envelope(new PasswordChanged(identity, NOW.plusSeconds(60), null));
		EventEnvelope required = envelope(new PasswordChangeRequired(identity, NOW, "breach", seen));

		publishInOrder(laterChange, required);

		assertThat(mustChange(identity)).isFalse();
		assertThat(actionStatus(required.id())).isNull();
	}

	@Test
	void theChangeTheRequirementSawDoesNotSatisfyItEvenAtTheSameMicrosecond() {
		// Kratos writes the identity's updated_at before the new password credential: the
		// webhook of the change a
		// requirement saw carries a time no later than the credential's, equal at the
		// most
		IdentityId identity = identity();
		Instant credential = NOW.minusSeconds(10);
		EventEnvelope required = envelope(new PasswordChangeRequired(identity, NOW, "breach", credential));

		publishInOrder(required, envelope(new PasswordChanged(identity, credential, null)));
		assertThat(mustChange(identity)).isTrue();

		publishInOrder(envelope(new PasswordChanged(identity, credential.plusNanos(1000), null)));
		assertThat(mustChange(identity)).isFalse();
	}

	@Test
	void aRequirementSeeingAnOlderPasswordThanTheOneInForceIsStale() {
		IdentityId identity = identity();
		EventEnvelope newer = envelope(new PasswordChangeRequired(identity, NOW, "second", NOW.minusSeconds(5)));
		EventEnvelope older = envelope(
				new PasswordChangeRequired(identity, NOW.plusSeconds(30), "first", NOW.minusSeconds(500)));

		publishInOrder(newer, older);

		assertThat(this.settings.find(identity.value()).orElseThrow().passwordChangeReason()).isEqualTo("second");
		assertThat(actionStatus(older.id())).isNull();
	}

	private void publishInOrder(EventEnvelope... events) {
		for (EventEnvelope event : events) {
			publish(event);
			await().atMost(Duration.ofSeconds(30)).until(() -> inboxRows(event.id()) == 1);
		}
	}

	private boolean mustChange(IdentityId identity) {
		return this.settings.find(identity.value()).orElseThrow().forcePasswordChange();
	}

	private static IdentityId identity() {
		return new IdentityId(UUID.randomUUID());
	}

}
