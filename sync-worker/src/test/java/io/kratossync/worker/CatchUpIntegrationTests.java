package io.kratossync.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityId;
import io.kratossync.events.LoggedIn;
import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.events.PasswordChanged;
import io.kratossync.testing.EventProducer;
import io.kratossync.testing.KratosStub;
import io.kratossync.testing.LastLogins;
import io.kratossync.testing.Postgres;
import io.kratossync.testing.TestBroker;
import io.kratossync.testing.TestKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fresh database catches up from the beginning of the topic, and a revocation waits
 * until the partition has been applied as far as it stood when the requirement was
 * applied: a requirement that a later password change satisfied never logs anyone out;
 * one still in force revokes once.
 */
@SpringJUnitConfig
@TestKafka(partitions = 3)
@DirtiesContext
class CatchUpIntegrationTests {

	private static final KratosStub kratos = KratosStub.start();

	@Autowired
	TestBroker broker;

	@AfterAll
	static void stopKratos() {
		kratos.close();
	}

	@Test
	void aFreshDatabaseCaughtUpFromTheTopicRevokesOnlyForARequirementStillInForce() {
		UUID satisfied = UUID.randomUUID();
		UUID inForce = UUID.randomUUID();
		kratos.createSession(satisfied);
		kratos.createSession(inForce);
		Instant passwordSeen = Instant.parse("2026-05-01T00:00:00Z");
		List<EventEnvelope> history = new ArrayList<>();
		history.add(WorkerTesting.envelope(new PasswordChangeRequired(new IdentityId(satisfied),
				Instant.parse("2026-06-01T00:00:00Z"), "breach", passwordSeen)));
		history.add(WorkerTesting.envelope(new PasswordChangeRequired(new IdentityId(inForce),
				Instant.parse("2026-06-01T00:00:00Z"), "breach", passwordSeen)));
		// a long history of the identity between the requirement and the change that
		// satisfied it: catching up
		// takes several polls
		for (int i = 0; i < 1500; i++) {
			history.add(WorkerTesting.envelope(new LoggedIn(new IdentityId(satisfied),
					Instant.parse("2026-06-01T01:00:00Z").plusSeconds(i), "password", null, "aal1")));
		}
		history.add(WorkerTesting
			.envelope(new PasswordChanged(new IdentityId(satisfied), Instant.parse("2026-06-02T00:00:00Z"), null)));
		EventProducer.publish(this.broker.getBrokersAsString(), history);

		String database = Postgres.freshDatabase();
		JdbcClient jdbc = WorkerTesting.jdbc(database);
		String group = "fresh-" + UUID.randomUUID();
		try (ConfigurableApplicationContext worker = worker(database, group)) {
			// a worker of its own group (KAFKA_CONSUMER_GROUP), not sharing partitions
			// with any other worker on the broker
			assertThat(worker.getBean(KafkaListenerEndpointRegistry.class)
				.getListenerContainer("identity-events")
				.getGroupId()).isEqualTo(group);
			await().atMost(Duration.ofSeconds(90))
				.until(() -> WorkerTesting.count(jdbc, "processed_events") == history.size());
			await().atMost(Duration.ofSeconds(30))
				.until(() -> "done".equals(status(jdbc, history.get(1).id()))
						&& "skipped".equals(status(jdbc, history.get(0).id())));
		}
		assertThat(kratos.revocationCalls(satisfied)).isEmpty();
		assertThat(kratos.activeSessions(satisfied)).isEqualTo(1);
		assertThat(kratos.revocationCalls(inForce)).hasSize(1);
	}

	private ConfigurableApplicationContext worker(String database, String group) {
		return WorkerTesting.worker(this.broker.getBrokersAsString(), database, group, kratos);
	}

	private static String status(JdbcClient jdbc, UUID event) {
		return jdbc.sql("SELECT status FROM kratos_actions WHERE event_id = ?")
			.param(event)
			.query(String.class)
			.optional()
			.orElse(null);
	}

}
