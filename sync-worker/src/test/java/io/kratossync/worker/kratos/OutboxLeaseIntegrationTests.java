package io.kratossync.worker.kratos;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityId;
import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.support.Causes;
import io.kratossync.worker.SyncWorkerApplication;
import io.kratossync.worker.WorkerIntegrationTestSupport;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two workers share the outbox while Kratos answers slowly: a claim takes only what its
 * lease covers at the worst case of each call, so no action is called twice; and an
 * executor whose lease went to another one can no longer overwrite that one's outcome.
 */
@TestPropertySource(properties = { "kratos-sync.worker.outbox.lease=5s",
		"kratos-sync.worker.kratos.connect-timeout=500ms", "kratos-sync.worker.kratos.read-timeout=2s" })
@DirtiesContext
class OutboxLeaseIntegrationTests extends WorkerIntegrationTestSupport {

	@Autowired
	KratosActions actions;

	@Autowired
	OutboxExecutor executor;

	@Test
	void twoExecutorsAndASlowKratosCallEachActionOnce() {
		// each call takes 0.9 s; a claim of 20 under a 5 s lease, as before, had its last
		// calls made after the lease
		// ran out, by both executors
		kratos.answerAfter(Duration.ofMillis(900));
		assertThat(this.executor.claimSize()).isEqualTo(1);
		List<UUID> identities = new ArrayList<>();
		List<EventEnvelope> requirements = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			UUID identity = UUID.randomUUID();
			kratos.createSession(identity);
			identities.add(identity);
			requirements.add(envelope(new PasswordChangeRequired(new IdentityId(identity), Instant.now(), null,
					Instant.now().minusSeconds(3600))));
		}
		try (ConfigurableApplicationContext second = SyncWorkerApplication.application()
			.run("--server.port=0", "--management.server.port=0",
					"--spring.kafka.bootstrap-servers=" + this.bootstrapServers, "--spring.datasource.url=" + DATABASE,
					"--spring.datasource.username=postgres", "--spring.datasource.password=postgres",
					"--kratos-sync.worker.kratos.admin-url=" + kratos.url(),
					"--kratos-sync.worker.kratos.public-url=" + kratos.url(), "--kratos-sync.worker.outbox.lease=5s",
					"--kratos-sync.worker.kratos.connect-timeout=500ms", "--kratos-sync.worker.kratos.read-timeout=2s",
					"--kratos-sync.worker.outbox.poll-interval=100ms")) {
			publish(requirements.toArray(EventEnvelope[]::new));

			await().atMost(Duration.ofSeconds(90))
				.until(() -> requirements.stream().allMatch((r) -> "done".equals(actionStatus(r.id()))));
		}
		for (UUID identity : identities) {
			assertThat(kratos.revocationCalls(identity)).as("calls revoking the sessions of %s", identity).hasSize(1);
			assertThat(kratos.activeSessions(identity)).isZero();
		}
	}

	@Test
	void anExecutorThatLostItsLeaseCannotOverwriteTheOutcome() {
		UUID event = UUID.randomUUID();
		this.jdbc.sql("""
				INSERT INTO kratos_actions (action, identity_id, event_id, next_attempt_at)
				VALUES ('revoke_sessions', ?, ?, now() - interval '1 second')""")
			.params(UUID.randomUUID(), event)
			.update();
		UUID first = UUID.randomUUID();
		KratosActions.Claimed slow = claimed(this.actions.claimDue(100, Instant.now().minusMillis(1), first), event);
		// its lease is over (claimed until a moment ago): another executor takes the
		// action and completes it
		KratosActions.Claimed quick = claimed(
				this.actions.claimDue(100, Instant.now().plusSeconds(30), UUID.randomUUID()), event);
		assertThat(this.actions.done(quick)).isTrue();

		// the first executor's late outcome is refused
		assertThat(this.actions.failed(slow, "timed out")).isFalse();
		assertThat(this.actions.retryAt(slow, Instant.now(), "timed out")).isFalse();
		assertThat(this.actions.release(slow, Instant.now())).isFalse();
		assertThat(actionStatus(event)).isEqualTo("done");
	}

	@Test
	void refusesToStartWithALeaseShorterThanTwoWorstCaseCalls() {
		Throwable failure = Assertions.catchThrowable(() -> SyncWorkerApplication.application()
			.run("--server.port=0", "--management.server.port=0",
					"--spring.kafka.bootstrap-servers=" + this.bootstrapServers, "--spring.datasource.url=" + DATABASE,
					"--spring.datasource.username=postgres", "--spring.datasource.password=postgres",
					"--kratos-sync.worker.outbox.lease=5s", "--kratos-sync.worker.kratos.connect-timeout=2s",
					"--kratos-sync.worker.kratos.read-timeout=5s")
			.close());

		assertThat(Causes.root(failure).getMessage())
			.contains("the outbox lease (kratos-sync.worker.outbox.lease = PT5S) must be at least twice the longest "
					+ "Kratos call (KRATOS_CONNECT_TIMEOUT + KRATOS_READ_TIMEOUT = PT7S)");
	}

	private static KratosActions.Claimed claimed(List<KratosActions.Claimed> claims, UUID event) {
		return claims.stream().filter((c) -> c.eventId().equals(event)).findFirst().orElseThrow();
	}

}
