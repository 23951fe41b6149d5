package io.kratossync.local;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compose stack in {@code infra/compose} is valid for Docker Compose
 * ({@code docker-compose config}, which needs no engine), every service is started only
 * once what it needs is healthy, and images are pinned.
 */
class ComposeFileIntegrationTests {

	private static final Path COMPOSE = Path.of("..", "compose", "docker-compose.yml");

	private final YAMLMapper yaml = YAMLMapper.builder().build();

	@Test
	void composeFileIsValidAndHealthGated() throws Exception {
		Process process = new ProcessBuilder("docker-compose", "-f", COMPOSE.toString(), "config").start();
		String resolved = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(errors).isZero();

		JsonNode services = this.yaml.readTree(resolved).path("services");
		assertThat(services.propertyNames()).containsExactlyInAnyOrder("kafka", "postgres", "kratos-migrate", "kratos",
				"hook-ingest", "sync-worker");
		assertThat(condition(services, "hook-ingest", "kafka")).isEqualTo("service_healthy");
		assertThat(condition(services, "hook-ingest", "postgres")).isEqualTo("service_healthy");
		assertThat(services.at("/hook-ingest/environment/CDC_ENABLED").asString()).isEqualTo("true");
		assertThat(services.at("/postgres/command").toString()).contains("wal_level=logical");
		assertThat(condition(services, "sync-worker", "kafka")).isEqualTo("service_healthy");
		assertThat(condition(services, "sync-worker", "postgres")).isEqualTo("service_healthy");
		assertThat(condition(services, "kratos-migrate", "postgres")).isEqualTo("service_healthy");
		assertThat(condition(services, "kratos", "kratos-migrate")).isEqualTo("service_completed_successfully");
		assertThat(condition(services, "kratos", "hook-ingest")).isEqualTo("service_healthy");
		for (String name : List.of("kafka", "postgres", "hook-ingest", "sync-worker")) {
			assertThat(services.at("/" + name + "/healthcheck/test").isMissingNode()).as(name + " healthcheck")
				.isFalse();
		}
		// the probes of the services are on their management ports, which are not
		// published
		for (String name : List.of("hook-ingest", "sync-worker")) {
			String port = services.at("/" + name + "/environment/MANAGEMENT_PORT").asString();
			assertThat(services.at("/" + name + "/healthcheck/test").toString())
				.contains("localhost:" + port + "/actuator");
			assertThat(services.at("/" + name + "/ports").toString()).doesNotContain(port);
			assertThat(services.at("/" + name + "/environment/ALLOW_EXAMPLE_CREDENTIALS").asString())
				.isEqualTo("false");
		}
		for (JsonNode service : services) {
			assertThat(service.path("image").asString()).matches("[a-z0-9./_-]+:[A-Za-z0-9._-]+")
				.doesNotEndWith(":latest");
		}
	}

	@Test
	void kratosSendsAKeyThatHookIngestAccepts() throws Exception {
		JsonNode services = this.yaml.readTree(Files.readString(COMPOSE)).path("services");
		JsonNode kratos = this.yaml.readTree(Files.readString(Path.of("..", "kratos", "kratos.yml")));
		String sent = kratos.at("/selfservice/flows/settings/after/password/hooks/0/config/auth/config/value")
			.asString();

		assertThat(services.at("/hook-ingest/environment/WEBHOOK_API_KEYS").asString().split(",")).contains(sent);
		assertThat(kratos.at("/selfservice/flows/settings/after/password/hooks/0/config/url").asString())
			.startsWith("http://hook-ingest:8080/");
	}

	private static String condition(JsonNode services, String service, String dependency) {
		return services.at("/" + service + "/depends_on/" + dependency + "/condition").asString();
	}

}
