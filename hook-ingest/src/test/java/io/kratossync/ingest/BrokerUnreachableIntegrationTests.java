package io.kratossync.ingest;

import java.time.Duration;
import java.util.UUID;

import io.kratossync.testing.Fixtures;
import io.kratossync.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With no broker to reach, a webhook gets 503 with {@code Retry-After} (Kratos retries
 * 5xx), well within 10 s.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=" + HookIngestApplication.CONFIG_NAME,
				"kratos-sync.ingest.webhook-auth.api-keys=" + HookIngestTest.WEBHOOK_KEY,
				"kratos-sync.ingest.admin-auth.api-keys=" + HookIngestTest.ADMIN_KEY, "management.server.port=0",
				"kratos-sync.ingest.fail-fast-for=2s" })
@AutoConfigureWebTestClient(timeout = "20s")
@ExtendWith(KratosForIngest.class)
class BrokerUnreachableIntegrationTests {

	@Autowired
	WebTestClient client;

	@Value("${local.management.port}")
	int managementPort;

	@DynamicPropertySource
	static void unreachableBroker(DynamicPropertyRegistry registry) {
		int closedPort = Ports.closed();
		registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + closedPort);
	}

	@Test
	void answers503WithRetryAfterWithinTenSecondsWhenTheBrokerIsUnreachable() {
		long start = System.nanoTime();

		settingsWebhook().expectHeader()
			.valueEquals("Retry-After", "5")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void aFailedSendLogsNoPersonalData(CapturedOutput output) {
		settingsWebhook();

		// the listener may log just after the answer
		await().atMost(Duration.ofSeconds(10)).until(() -> output.getAll().contains("Exception thrown when sending"));
		assertThat(output.getAll()).doesNotContain("ada@example.com").doesNotContain("EventEnvelope[");
	}

	@Test
	void aWebhookWaitsAtMostTheMetadataTimeOnceAndIsAnsweredAtOnceRightAfter() {
		long first = timedLoginHook();
		long right = timedLoginHook();
		// once the fail-fast window (2 s) has passed, a request tries again for real
		await().pollDelay(Duration.ofMillis(2200)).atMost(Duration.ofSeconds(5)).until(() -> true);
		long again = timedLoginHook();

		System.out.printf("Login hook with the broker down: %d ms (or at once when right after a failure), then %d ms "
				+ "right after a failure, %d ms once the fail-fast window passed%n", first, right, again);
		assertThat(first).isLessThan(5000);
		assertThat(right).isLessThan(300);
		assertThat(again).isBetween(2500L, 5000L);
	}

	/** A password change with the user's e-mail in it, answered 503. */
	private WebTestClient.ResponseSpec settingsWebhook() {
		return this.client.post()
			.uri("/hooks/kratos/settings/password")
			.header("X-Webhook-Key", HookIngestTest.WEBHOOK_KEY)
			.header("Ory-Webhook-Trigger-ID", UUID.randomUUID().toString())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Fixtures.text("kratos/settings-after-password.json"))
			.exchange()
			.expectStatus()
			.isEqualTo(503);
	}

	private long timedLoginHook() {
		long start = System.nanoTime();
		this.client.post()
			.uri("/hooks/kratos/login/password")
			.header("X-Webhook-Key", HookIngestTest.WEBHOOK_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Fixtures.text("kratos/login-after.ctx.json"))
			.exchange()
			.expectStatus()
			.isEqualTo(503);
		return Duration.ofNanos(System.nanoTime() - start).toMillis();
	}

	@Test
	void keepsServingWhileTheBrokerIsUnreachable() {
		UUID identity = UUID.randomUUID();
		KratosForIngest.stub().createIdentity(identity);
		for (int i = 0; i < 2; i++) {
			this.client.post()
				.uri("/admin/identities/{id}/password-change-required", identity)
				.header("X-Admin-Key", HookIngestTest.ADMIN_KEY)
				.exchange()
				.expectStatus()
				.isEqualTo(503);
		}
		WebTestClient management = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.managementPort)
			.build();
		management.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
		// not ready: a load balancer stops sending webhooks to an instance that cannot
		// make them durable
		management.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503);
	}

}
