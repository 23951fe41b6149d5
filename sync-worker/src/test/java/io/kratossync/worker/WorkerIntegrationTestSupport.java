package io.kratossync.worker;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityEvent;
import io.kratossync.events.Topics;
import io.kratossync.testing.EventProducer;
import io.kratossync.testing.KratosStub;
import io.kratossync.testing.Postgres;
import io.kratossync.testing.TestBroker;
import io.kratossync.testing.TestKafka;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * sync-worker on a random port with a real in-process Kafka broker (KRaft), a real
 * PostgreSQL (a database of its own) and Kratos played by {@link KratosStub}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=" + SyncWorkerApplication.CONFIG_NAME,
				"kratos-sync.worker.outbox.poll-interval=100ms", "kratos-sync.worker.outbox.initial-backoff=100ms",
				"kratos-sync.worker.outbox.max-backoff=500ms",
				"kratos-sync.worker.read-auth.api-keys=" + WorkerIntegrationTestSupport.READ_KEY,
				"kratos-sync.worker.metrics-auth.api-keys=" + WorkerIntegrationTestSupport.METRICS_KEY,
				"management.server.port=0" })
@TestKafka(bootstrapServersProperty = "spring.kafka.bootstrap-servers")
public abstract class WorkerIntegrationTestSupport {

	/** The key of the service read API the tests send. */
	protected static final String READ_KEY = "test-read-key-0123456789abcdef";

	/** The key of the metrics scraper. */
	protected static final String METRICS_KEY = "test-metrics-key-0123456789abc";

	protected static KratosStub kratos;

	protected static final String DATABASE = Postgres.freshDatabase();

	@Autowired
	protected JdbcClient jdbc;

	/**
	 * The broker of this context (not the system property, which the last started broker
	 * overwrites).
	 */
	protected String bootstrapServers;

	@Autowired
	void broker(TestBroker broker) {
		this.bootstrapServers = broker.getBrokersAsString();
	}

	@Value("${local.server.port}")
	protected int port;

	@Value("${local.management.port}")
	protected int managementPort;

	@BeforeAll
	static void startKratos() {
		if (kratos == null) {
			kratos = KratosStub.start();
		}
	}

	@AfterEach
	void resetKratos() {
		kratos.reset();
	}

	@DynamicPropertySource
	static void infrastructure(DynamicPropertyRegistry registry) {
		startKratos();
		registry.add("spring.datasource.url", () -> DATABASE);
		registry.add("spring.datasource.username", () -> "postgres");
		registry.add("spring.datasource.password", () -> "postgres");
		registry.add("kratos-sync.worker.kratos.admin-url", kratos::url);
		registry.add("kratos-sync.worker.kratos.public-url", kratos::url);
	}

	/**
	 * Publishes events as hook-ingest does.
	 * @param events the events
	 */
	protected void publish(EventEnvelope... events) {
		EventProducer.publish(this.bootstrapServers, List.of(events));
	}

	protected static EventEnvelope envelope(IdentityEvent event) {
		return new EventEnvelope(UUID.randomUUID(), "/test", Instant.now(), event);
	}

	protected long inboxRows(UUID eventId) {
		return this.jdbc.sql("SELECT count(*) FROM processed_events WHERE event_id = ?")
			.param(eventId)
			.query(Long.class)
			.single();
	}

	protected String actionStatus(UUID eventId) {
		return this.jdbc.sql("SELECT status FROM kratos_actions WHERE event_id = ?")
			.param(eventId)
			.query(String.class)
			.optional()
			.orElse(null);
	}

}
