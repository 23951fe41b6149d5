package io.kratossync.worker;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityId;
import io.kratossync.events.LoggedIn;
import io.kratossync.events.Topics;
import io.kratossync.testing.EventProducer;
import io.kratossync.testing.LastLogins;
import io.kratossync.testing.Postgres;
import io.kratossync.testing.TestBroker;
import io.kratossync.testing.TestKafka;
import io.kratossync.testing.TopicProbe;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What pooled connections see during a PostgreSQL failover: the database turns read-only
 * (SQLSTATE 25006) for a while, then writable again. Every event published meanwhile is
 * applied once it is writable, none is dead-lettered: a database error is never the
 * record's fault.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "spring.config.name=" + SyncWorkerApplication.CONFIG_NAME, "management.server.port=0",
				"kratos-sync.worker.consumer.max-backoff=1s", "kratos-sync.worker.kratos.admin-url=http://127.0.0.1:9",
				"kratos-sync.worker.kratos.public-url=http://127.0.0.1:9" })
@TestKafka(bootstrapServersProperty = "spring.kafka.bootstrap-servers")
@DirtiesContext
class DatabaseReadOnlyIntegrationTests {

	private static final String DATABASE = Postgres.freshDatabase();

	@Autowired
	JdbcClient jdbc;

	@Autowired
	MeterRegistry meters;

	String bootstrapServers;

	@Autowired
	void broker(TestBroker broker) {
		this.bootstrapServers = broker.getBrokersAsString();
	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", () -> DATABASE);
		registry.add("spring.datasource.username", () -> "postgres");
		registry.add("spring.datasource.password", () -> "postgres");
	}

	@Test
	void everyEventAcknowledgedWhileTheDatabaseIsReadOnlyIsAppliedOnceItIsWritable() throws Exception {
		List<EventEnvelope> before = logins(20, 0);
		List<EventEnvelope> during = logins(40, 20);
		EventProducer.publish(this.bootstrapServers, before);
		await().atMost(Duration.ofSeconds(60)).until(() -> applied() == 20);

		try (Connection admin = DriverManager.getConnection(DATABASE, "postgres", "postgres")) {
			readOnly(admin, true);
			EventProducer.publish(this.bootstrapServers, during);
			// the failover lasts: every poll meets 25006 and is retried with back-off,
			// for several seconds
			await().atMost(Duration.ofSeconds(60)).until(() -> transientFailures() >= 4);
			assertThat(applied()).isEqualTo(20);
			readOnly(admin, false);
		}

		await().atMost(Duration.ofSeconds(60)).until(() -> applied() == 60);
		List<EventEnvelope> all = new ArrayList<>(before);
		all.addAll(during);
		assertThat(LastLogins.notStored(DATABASE, LastLogins.latest(all))).isEmpty();
		assertThat(TopicProbe.records(this.bootstrapServers, Topics.IDENTITY_EVENTS_DLT.name())).isEmpty();
	}

	/**
	 * Turns the database read-only (or back) for every session, as a failover does: new
	 * sessions take it up.
	 */
	private static void readOnly(Connection admin, boolean on) throws SQLException {
		String name = DATABASE.substring(DATABASE.lastIndexOf('/') + 1).split("\\?")[0];
		try (Statement statement = admin.createStatement()) {
			statement.execute("ALTER DATABASE " + name + " SET default_transaction_read_only = " + (on ? "on" : "off"));
			statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name
					+ "' AND pid <> pg_backend_pid()");
		}
	}

	private double transientFailures() {
		return WorkerTesting.transientFailures(this.meters);
	}

	private long applied() {
		return WorkerTesting.count(this.jdbc, "processed_events");
	}

	private static List<EventEnvelope> logins(int count, int from) {
		return WorkerTesting.logins(count, Instant.parse("2026-06-01T00:00:00Z").plusSeconds(from));
	}

}
