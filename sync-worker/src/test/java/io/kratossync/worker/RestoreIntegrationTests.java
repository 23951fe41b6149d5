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
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The offsets are stored with the state they produced: a database restored from a backup
 * resumes where its state ends, not at Kafka's committed offsets, and applies what it
 * lacks.
 */
@SpringJUnitConfig
@TestKafka(partitions = 3)
@DirtiesContext
class RestoreIntegrationTests {

	private static final KratosStub kratos = KratosStub.start();

	@Autowired
	TestBroker broker;

	@AfterAll
	static void stopKratos() {
		kratos.close();
	}

	@Test
	void aRestoredBackupAppliesWhatItLacksOnce() {
		String database = Postgres.freshDatabase();
		JdbcClient jdbc = WorkerTesting.jdbc(database);
		List<EventEnvelope> beforeBackup = WorkerTesting.logins(30, Instant.parse("2026-07-01T00:00:00Z"));
		List<EventEnvelope> afterBackup = WorkerTesting.logins(30, Instant.parse("2026-07-02T00:00:00Z"));
		try (ConfigurableApplicationContext worker = worker(database, "restore")) {
			EventProducer.publish(this.broker.getBrokersAsString(), beforeBackup);
			await().atMost(Duration.ofSeconds(60)).until(() -> WorkerTesting.count(jdbc, "processed_events") == 30);
			backup(jdbc);
			EventProducer.publish(this.broker.getBrokersAsString(), afterBackup);
			await().atMost(Duration.ofSeconds(60)).until(() -> WorkerTesting.count(jdbc, "processed_events") == 60);
		}
		// the database is lost and last night's backup restored; Kafka's committed
		// offsets stand at the end
		restore(jdbc);
		assertThat(WorkerTesting.count(jdbc, "processed_events")).isEqualTo(30);

		try (ConfigurableApplicationContext worker = worker(database, "restore")) {
			await().atMost(Duration.ofSeconds(60)).until(() -> WorkerTesting.count(jdbc, "processed_events") == 60);
		}
		List<EventEnvelope> all = new ArrayList<>(beforeBackup);
		all.addAll(afterBackup);
		assertThat(LastLogins.notStored(database, LastLogins.latest(all))).isEmpty();
	}

	private ConfigurableApplicationContext worker(String database, String group) {
		return WorkerTesting.worker(this.broker.getBrokersAsString(), database, group, kratos);
	}

	private static final List<String> TABLES = List.of("user_settings", "processed_events", "consumer_offsets",
			"kratos_actions");

	private static void backup(JdbcClient jdbc) {
		jdbc.sql("CREATE SCHEMA backup").update();
		for (String table : TABLES) {
			jdbc.sql("CREATE TABLE backup." + table + " AS TABLE public." + table).update();
		}
	}

	private static void restore(JdbcClient jdbc) {
		for (String table : TABLES) {
			jdbc.sql("TRUNCATE public." + table).update();
			jdbc.sql("INSERT INTO public." + table + " SELECT * FROM backup." + table).update();
		}
	}

}
