package io.kratossync.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityId;
import io.kratossync.events.PasswordChangeRequired;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A second worker joins the consumer group in the middle of a stream: the partitions are
 * rebalanced and both workers run the outbox, yet no event is lost or applied twice and
 * every identity's sessions are revoked by exactly one call.
 */
class ScaleOutIntegrationTests extends WorkerIntegrationTestSupport {

	@Test
	void aWorkerJoiningMidStreamLosesAndDoublesNothing() {
		List<UUID> identities = new ArrayList<>();
		List<EventEnvelope> events = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			UUID identity = UUID.randomUUID();
			kratos.createSession(identity);
			identities.add(identity);
			events.add(envelope(new PasswordChangeRequired(new IdentityId(identity), Instant.now(), null)));
		}
		publish(events.subList(0, 150).toArray(EventEnvelope[]::new));
		await().atMost(Duration.ofSeconds(60)).until(() -> applied(events) >= 50);

		try (ConfigurableApplicationContext second = SyncWorkerApplication.application()
			.run("--server.port=0", "--management.server.port=0",
					"--spring.kafka.bootstrap-servers=" + this.bootstrapServers, "--spring.datasource.url=" + DATABASE,
					"--spring.datasource.username=postgres", "--spring.datasource.password=postgres",
					"--kratos-sync.worker.kratos.admin-url=" + kratos.url(),
					"--kratos-sync.worker.kratos.public-url=" + kratos.url(),
					"--kratos-sync.worker.outbox.poll-interval=100ms")) {
			// the second worker really takes part: the group gave it partitions, and it
			// applies events
			KafkaListenerEndpointRegistry listeners = second.getBean(KafkaListenerEndpointRegistry.class);
			await().atMost(Duration.ofSeconds(60)).until(() -> {
				var assigned = listeners.getListenerContainer("identity-events").getAssignedPartitions();
				return assigned != null && !assigned.isEmpty();
			});
			publish(events.subList(150, 300).toArray(EventEnvelope[]::new));

			await().atMost(Duration.ofSeconds(90)).until(() -> applied(events) == 300);
			MeterRegistry secondMeters = second.getBean(MeterRegistry.class);
			assertThat(count(secondMeters, "kratos_sync_events", "applied")).as("events the second worker applied")
				.isPositive();
			await().atMost(Duration.ofSeconds(90))
				.until(() -> this.jdbc
					.sql("SELECT count(*) FROM kratos_actions WHERE status = 'done' AND event_id IN (:ids)")
					.param("ids", events.stream().map(EventEnvelope::id).toList())
					.query(Long.class)
					.single() == 300);
			// and it runs the outbox too (the two executors share the table)
			assertThat(
					secondMeters.find("kratos_sync_kratos_calls").timers().stream().mapToLong((t) -> t.count()).sum())
				.as("Kratos calls the second worker made")
				.isPositive();
		}
		for (UUID identity : identities) {
			assertThat(kratos.activeSessions(identity)).isZero();
			assertThat(kratos.revocationCalls(identity)).as("revocation calls for %s", identity).hasSize(1);
		}
	}

	private static double count(MeterRegistry meters, String name, String outcome) {
		return meters.find(name).tag("outcome", outcome).counters().stream().mapToDouble((c) -> c.count()).sum();
	}

	private long applied(List<EventEnvelope> events) {
		return this.jdbc.sql("SELECT count(*) FROM processed_events WHERE event_id IN (:ids)")
			.param("ids", events.stream().map(EventEnvelope::id).toList())
			.query(Long.class)
			.single();
	}

}
