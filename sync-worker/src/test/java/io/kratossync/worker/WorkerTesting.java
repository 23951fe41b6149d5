package io.kratossync.worker;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityEvent;
import io.kratossync.events.IdentityId;
import io.kratossync.events.LoggedIn;
import io.kratossync.testing.KratosStub;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * What the worker's integration tests share: events, counts, and a worker started as a
 * process would be.
 */
final class WorkerTesting {

	private WorkerTesting() {
	}

	static EventEnvelope envelope(IdentityEvent event) {
		return new EventEnvelope(UUID.randomUUID(), "/test", Instant.now(), event);
	}

	/** Logins of as many fresh identities, one second apart from {@code from}. */
	static List<EventEnvelope> logins(int count, Instant from) {
		List<EventEnvelope> events = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			events.add(envelope(
					new LoggedIn(new IdentityId(UUID.randomUUID()), from.plusSeconds(i), "password", null, "aal1")));
		}
		return events;
	}

	/** Failed deliveries the worker counted as the database's (retried without end). */
	static double transientFailures(MeterRegistry meters) {
		var counter = meters.find("kratos_sync_consumer_failures").tag("kind", "transient").counter();
		return (counter != null) ? counter.count() : 0;
	}

	/** The rows of a table, or -1 while the database cannot be read. */
	static long count(JdbcClient jdbc, String table) {
		try {
			return jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
		}
		catch (RuntimeException ex) {
			return -1;
		}
	}

	static JdbcClient jdbc(String database) {
		return JdbcClient.create(new DriverManagerDataSource(database, "postgres", "postgres"));
	}

	/**
	 * A worker of its own, on the given broker, database and consumer group, as a
	 * deployment would run it.
	 */
	static ConfigurableApplicationContext worker(String bootstrapServers, String database, String group,
			KratosStub kratos) {
		return SyncWorkerApplication.application()
			.run("--server.port=0", "--management.server.port=0",
					"--spring.kafka.bootstrap-servers=" + bootstrapServers, "--spring.kafka.consumer.group-id=" + group,
					"--spring.datasource.url=" + database, "--spring.datasource.username=postgres",
					"--spring.datasource.password=postgres", "--kratos-sync.worker.kratos.admin-url=" + kratos.url(),
					"--kratos-sync.worker.kratos.public-url=" + kratos.url(),
					"--kratos-sync.worker.outbox.poll-interval=100ms",
					"--kratos-sync.worker.outbox.initial-backoff=100ms");
	}

}
