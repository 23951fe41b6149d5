package io.kratossync.worker;

import java.util.Map;
import java.util.UUID;

import io.kratossync.testing.Ports;
import io.kratossync.testing.Postgres;
import io.kratossync.testing.RawHttp;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the broker out of reach, the worker's read API stays ready and answers: readiness
 * reflects what the read port needs (the database), while the {@code consumer} health
 * group says the broker is gone.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=" + SyncWorkerApplication.CONFIG_NAME, "management.server.port=0",
				"management.endpoint.health.group.consumer.show-components=always",
				"kratos-sync.worker.read-auth.api-keys=" + KafkaOutageReadinessIntegrationTests.READ_KEY,
				"spring.kafka.admin.auto-create=false", "kratos-sync.worker.kratos.admin-url=http://127.0.0.1:9",
				"kratos-sync.worker.kratos.public-url=http://127.0.0.1:9" })
class KafkaOutageReadinessIntegrationTests {

	static final String READ_KEY = "kafka-outage-read-key-0123456789";

	@Value("${local.server.port}")
	int port;

	@Value("${local.management.port}")
	int managementPort;

	@Autowired
	JdbcClient jdbc;

	@DynamicPropertySource
	static void infrastructure(DynamicPropertyRegistry registry) {
		int closedPort = Ports.closed();
		registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + closedPort);
		String database = Postgres.freshDatabase();
		registry.add("spring.datasource.url", () -> database);
		registry.add("spring.datasource.username", () -> "postgres");
		registry.add("spring.datasource.password", () -> "postgres");
	}

	@Test
	void theReadApiStaysReadyAndAnswersWhileKafkaIsDown() {
		UUID identity = UUID.randomUUID();
		this.jdbc.sql("INSERT INTO user_settings (identity_id, force_password_change) VALUES (?, true)")
			.param(identity)
			.update();

		assertThat(RawHttp.send(this.managementPort, "GET", "/actuator/health/readiness", Map.of()).status())
			.isEqualTo(200);
		assertThat(RawHttp.send(this.managementPort, "GET", "/actuator/health/consumer", Map.of()).status())
			.isEqualTo(503);
		RawHttp.Response settings = RawHttp.send(this.port, "GET", "/api/identities/" + identity + "/settings",
				Map.of("X-Read-Key", READ_KEY));
		assertThat(settings.status()).isEqualTo(200);
		assertThat(settings.body()).contains("\"force_password_change\":true");
	}

}
