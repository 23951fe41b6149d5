package io.kratossync.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

import io.kratossync.support.Causes;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Outside the local trial stack, hook-ingest refuses to start with an example or a short
 * key, or with the actuator beside the webhooks, and says which setting is wrong.
 */
class UnsafeConfigurationIntegrationTests {

	private static final String GOOD_ADMIN = "--kratos-sync.ingest.admin-auth.api-keys=" + HookIngestTest.ADMIN_KEY;

	@Test
	void refusesTheComposeFileExampleKey() {
		String message = startFailure("--kratos-sync.ingest.webhook-auth.api-keys=change-me-webhook-key", GOOD_ADMIN);

		assertThat(message).contains("Refusing to start with unsafe credentials",
				"WEBHOOK_API_KEYS / WEBHOOK_BASIC_CREDENTIALS (value 1) is an example value shipped with kratos-sync")
			.doesNotContain("change-me-webhook-key");
	}

	@Test
	void refusesAShortKeyAndAKeySharedByTwoRealms() {
		String message = startFailure("--kratos-sync.ingest.webhook-auth.api-keys=" + HookIngestTest.ADMIN_KEY,
				"--kratos-sync.ingest.admin-auth.api-keys=" + HookIngestTest.ADMIN_KEY + ",tiny");

		assertThat(message).contains(
				"ADMIN_API_KEYS / ADMIN_BASIC_CREDENTIALS (value 1) is also a credential of "
						+ "WEBHOOK_API_KEYS / WEBHOOK_BASIC_CREDENTIALS",
				"ADMIN_API_KEYS / ADMIN_BASIC_CREDENTIALS (value 2) has 4 characters; at least 24 are needed");
	}

	@Test
	void refusesTheActuatorOnTheWebhookPort() {
		String message = startFailure("--kratos-sync.ingest.webhook-auth.api-keys=" + HookIngestTest.WEBHOOK_KEY,
				GOOD_ADMIN, "--server.port=18480", "--management.server.port=18480");

		assertThat(message).contains("the management port (MANAGEMENT_PORT, management.server.port) must be set and "
				+ "differ from the port of the webhooks");
	}

	@Test
	void startsWithTheLocalStackKeysWhenExamplesAreAllowed() {
		try (ConfigurableApplicationContext context = HookIngestApplication.application()
			.run(args("--kratos-sync.ingest.webhook-auth.api-keys=local-webhook-key",
					"--kratos-sync.ingest.admin-auth.api-keys=local-admin-key",
					"--kratos-sync.ingest.allow-example-credentials=true"))) {
			assertThat(context.isRunning()).isTrue();
		}
	}

	private static String startFailure(String... settings) {
		Throwable failure = catchThrowable(() -> HookIngestApplication.application().run(args(settings)).close());
		assertThat(failure).as("the start-up must fail").isNotNull();
		return Causes.root(failure).getMessage();
	}

	/** The settings, after defaults for the ones they do not name. */
	private static String[] args(String... settings) {
		Map<String, String> all = new LinkedHashMap<>(Map.of("--server.port", "0", "--management.server.port", "0",
				"--spring.kafka.bootstrap-servers", "127.0.0.1:9", "--spring.kafka.admin.auto-create", "false",
				"--spring.main.banner-mode", "off"));
		for (String setting : settings) {
			String[] pair = setting.split("=", 2);
			all.put(pair[0], pair[1]);
		}
		return all.entrySet().stream().map((e) -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
	}

}
