package io.kratossync.worker;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import io.kratossync.testing.RestartablePostgres;
import io.kratossync.testing.TestBroker;
import io.kratossync.testing.TestKafka;
import io.kratossync.testing.TopicProbe;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The database goes away in the middle of a stream and comes back: every event is applied
 * exactly once, none is dead-lettered, and the worker reports itself not ready meanwhile.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=" + SyncWorkerApplication.CONFIG_NAME,
				"kratos-sync.worker.consumer.max-backoff=1s", "spring.datasource.hikari.connection-timeout=1000",
				"kratos-sync.worker.kratos.admin-url=http://127.0.0.1:9",
				"kratos-sync.worker.kratos.public-url=http://127.0.0.1:9", "management.server.port=0" })
@TestKafka(bootstrapServersProperty = "spring.kafka.bootstrap-servers")
@DirtiesContext
class DatabaseOutageIntegrationTests {

	private static final RestartablePostgres POSTGRES = RestartablePostgres.start();

	@Autowired
	JdbcClient jdbc;

	@Autowired
	MeterRegistry meters;

	/**
	 * The broker of this context (not the system property, which the last started broker
	 * overwrites).
	 */
	String bootstrapServers;

	@Autowired
	void broker(TestBroker broker) {
		this.bootstrapServers = broker.getBrokersAsString();
	}

	@Value("${local.management.port}")
	int managementPort;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", POSTGRES::jdbcUrl);
		registry.add("spring.datasource.username", () -> "postgres");
		registry.add("spring.datasource.password", () -> "postgres");
	}

	@AfterAll
	static void stopDatabase() {
		POSTGRES.close();
	}

	@Test
	void appliesEveryEventExactlyOnceAcrossADatabaseOutage() throws Exception {
		List<EventEnvelope> first = logins(100);
		List<EventEnvelope> second = logins(100);
		publish(first);
		await().atMost(Duration.ofSeconds(60)).until(() -> applied() >= 20);

		POSTGRES.down();
		await().atMost(Duration.ofSeconds(30)).until(() -> readiness() == 503);
		publish(second);
		// the worker meets the outage: its records fail and are retried, not
		// dead-lettered
		await().atMost(Duration.ofSeconds(60)).until(() -> transientFailures() >= 1);
		POSTGRES.up();

		await().atMost(Duration.ofSeconds(90)).until(() -> applied() == 200);
		await().atMost(Duration.ofSeconds(30)).until(() -> readiness() == 200);
		assertThat(LastLogins.notStored(POSTGRES.jdbcUrl(), LastLogins.latest(concat(first, second)))).isEmpty();
		assertThat(TopicProbe.records(this.bootstrapServers, Topics.IDENTITY_EVENTS_DLT.name())).isEmpty();
	}

	private double transientFailures() {
		return WorkerTesting.transientFailures(this.meters);
	}

	private long applied() {
		return WorkerTesting.count(this.jdbc, "processed_events");
	}

	private int readiness() throws Exception {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + "/actuator/health/readiness"))
			.build();
		return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	private static List<EventEnvelope> logins(int count) {
		return WorkerTesting.logins(count, Instant.parse("2026-06-01T00:00:00Z"));
	}

	private static List<EventEnvelope> concat(List<EventEnvelope> a, List<EventEnvelope> b) {
		List<EventEnvelope> all = new ArrayList<>(a);
		all.addAll(b);
		return all;
	}

	private void publish(List<EventEnvelope> events) {
		EventProducer.publish(this.bootstrapServers, events);
	}

}
