package io.kratossync.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.kratossync.testing.Fixtures;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kratos configuration we ship must be one Kratos accepts: Kratos refuses to start on
 * a config that fails its JSON Schema ({@code .schemastore/config.schema.json} of the
 * release, a copy of v25.4.0 here).
 */
class KratosConfigurationTests {

	private static final Path KRATOS_DIR = Path.of("..", "kratos");

	private static final String OTELX_REF = "https://raw.githubusercontent.com/ory/kratos/5badf8be0/oryx/otelx/config.schema.json";

	private final YAMLMapper yaml = YAMLMapper.builder().build();

	@Test
	void shippedKratosYmlValidatesAgainstKratosConfigSchema() throws Exception {
		JsonNode config = this.yaml.readTree(Files.readString(KRATOS_DIR.resolve("kratos.yml")));

		assertThat(validate(config)).isEmpty();
	}

	@Test
	void schemaValidationCatchesAMistake() throws Exception {
		ObjectNode config = (ObjectNode) this.yaml.readTree(Files.readString(KRATOS_DIR.resolve("kratos.yml")));
		ObjectNode auth = (ObjectNode) config
			.at("/selfservice/flows/settings/after/password/hooks/0/config/auth/config");
		auth.remove("in");

		assertThat(validate(config)).isNotEmpty();
	}

	@Test
	void settingsAfterPasswordCallsHookIngestSynchronouslyWithAnApiKey() throws Exception {
		JsonNode hook = this.yaml.readTree(Files.readString(KRATOS_DIR.resolve("kratos.yml")))
			.at("/selfservice/flows/settings/after/password/hooks/0");

		assertThat(hook.path("hook").asString()).isEqualTo("web_hook");
		assertThat(hook.at("/config/url").asString()).endsWith("/hooks/kratos/settings/password");
		assertThat(hook.at("/config/response/ignore").asBoolean(true)).isFalse();
		assertThat(hook.at("/config/auth/type").asString()).isEqualTo("api_key");
		assertThat(hook.at("/config/auth/config/name").asString()).isEqualTo("X-Webhook-Key");
		assertThat(hook.at("/config/body").asString()).endsWith("/webhook.jsonnet");
	}

	@Test
	void loginHooksAreAsynchronousAndEveryOtherHookSynchronous() throws Exception {
		JsonNode flows = this.yaml.readTree(Files.readString(KRATOS_DIR.resolve("kratos.yml")))
			.at("/selfservice/flows");
		int login = 0;
		int other = 0;
		for (var flow : flows.properties()) {
			for (JsonNode hook : flow.getValue().findValues("hooks")) {
				for (JsonNode entry : hook) {
					if (!entry.path("hook").asString().equals("web_hook")) {
						continue;
					}
					boolean ignore = entry.at("/config/response/ignore").asBoolean(false);
					if (flow.getKey().equals("login")) {
						assertThat(ignore).as("login hook %s", entry.at("/config/id").asString()).isTrue();
						login++;
					}
					else {
						assertThat(ignore).as("hook %s", entry.at("/config/id").asString()).isFalse();
						other++;
					}
				}
			}
		}
		assertThat(login).isEqualTo(7);
		assertThat(other).isEqualTo(14);
	}

	@Test
	void sessionCookieAndCorsAreLockedDown() throws Exception {
		JsonNode config = this.yaml.readTree(Files.readString(KRATOS_DIR.resolve("kratos.yml")));

		assertThat(config.at("/session/cookie/same_site").asString()).isEqualTo("Lax");
		assertThat(config.at("/session/cookie/secure").asString()).isEqualTo("true");
		assertThat(config.at("/cookies/same_site").asString()).isEqualTo("Lax");
		assertThat(config.at("/cookies/secure").asString()).isEqualTo("true");
		JsonNode origins = config.at("/serve/public/cors/allowed_origins");
		assertThat(origins.isArray() && !origins.isEmpty()).as("explicit allowed origins").isTrue();
		for (JsonNode origin : origins) {
			assertThat(origin.asString()).doesNotContain("*");
		}
	}

	private List<Error> validate(JsonNode config) {
		SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7, (builder) -> builder
			.schemas(Map.of(OTELX_REF, Fixtures.text("kratos-schema/kratos-otelx-config.schema.json"))));
		Schema schema = registry.getSchema(Fixtures.text("kratos-schema/kratos-config.schema.json"));
		return schema.validate(config);
	}

}
