package io.kratossync.local;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import io.kratossync.events.Topics;
import io.kratossync.testing.Fixtures;
import io.kratossync.testing.KratosStub;
import io.kratossync.testing.TopicProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The story the project exists for, through every real part: an administrator requires a
 * password change; the user's Kratos sessions are revoked; back again, the user is told
 * to change the password; Kratos's settings-after-password webhook (delivered five times,
 * as retries would) clears the requirement.
 */
class PasswordChangeLoopIntegrationTests {

	private static RunningStack stack;

	@BeforeAll
	static void start() {
		stack = RunningStack.start();
	}

	@AfterAll
	static void stop() {
		stack.close();
	}

	@Test
	void requireRevokeRedirectChangeClear() {
		KratosStub kratos = stack.kratos;
		UUID identity = UUID.randomUUID();
		kratos.createSession(identity);
		kratos.createSession(identity);

		// 1. an administrator requires a password change
		HttpResponse<String> required = stack.post(
				stack.ingestUrl + "/admin/identities/" + identity + "/password-change-required",
				Map.of("X-Admin-Key", RunningStack.ADMIN_KEY), "{\"reason\":\"credential stuffing\"}");
		assertThat(required.statusCode()).isEqualTo(202);

		// 2. exactly one revocation of all the user's sessions
		await().atMost(Duration.ofSeconds(30)).until(() -> kratos.activeSessions(identity) == 0);
		assertThat(kratos.revocationCalls(identity)).extracting(KratosStub.Call::status).containsExactly(204);

		// 3. the user signs in again and the application learns to send them to the
		// settings flow
		String session = kratos.createSession(identity);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(requiredActions(session).body())
				.isEqualTo("{\"required_actions\":[\"change_password\"],\"settings_url\":\"" + kratos.url()
						+ "/self-service/settings/browser\"}"));

		// 4. the user changes the password; Kratos calls the webhook, retried four times
		// with one trigger id
		String triggerId = UUID.randomUUID().toString();
		String body = Fixtures.text("kratos/settings-after-password.json")
			.replace("3a5293f1-f4d6-49f4-b34f-6da62c360604", identity.toString())
			.replace("2026-02-03T08:15:42.512Z", Instant.now().plus(1, ChronoUnit.SECONDS).toString());
		for (int attempt = 0; attempt < 5; attempt++) {
			HttpResponse<String> hook = stack.post(stack.ingestUrl + "/hooks/kratos/settings/password",
					Map.of("X-Webhook-Key", RunningStack.WEBHOOK_KEY, "Ory-Webhook-Trigger-ID", triggerId), body);
			assertThat(hook.statusCode()).isEqualTo(202);
		}

		// 5. the requirement is cleared, once
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(requiredActions(session).body()).isEqualTo("{\"required_actions\":[]}"));
		JdbcClient jdbc = stack.jdbc();
		assertThat(jdbc.sql("SELECT count(*) FROM processed_events WHERE event_id = ?")
			.param(UUID.fromString(triggerId))
			.query(Long.class)
			.single()).isEqualTo(1);
		assertThat(jdbc.sql("SELECT count(*) FROM processed_events WHERE identity_id = ?")
			.param(identity)
			.query(Long.class)
			.single()).isEqualTo(2);
		assertThat(kratos.revocationCalls(identity)).hasSize(1);
		assertThat(stack
			.get(stack.workerUrl + "/api/identities/" + identity + "/settings",
					Map.of("X-Read-Key", RunningStack.READ_KEY))
			.body()).contains("\"force_password_change\":false");
	}

	@Test
	void traceContextTravelsFromTheWebhookThroughKafka() {
		String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
		String triggerId = UUID.randomUUID().toString();
		String body = Fixtures.text("kratos/settings-after-password.json")
			.replace("3a5293f1-f4d6-49f4-b34f-6da62c360604", UUID.randomUUID().toString());

		HttpResponse<String> hook = stack.post(
				stack.ingestUrl + "/hooks/kratos/settings/password", Map.of("X-Webhook-Key", RunningStack.WEBHOOK_KEY,
						"Ory-Webhook-Trigger-ID", triggerId, "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"),
				body);

		assertThat(hook.statusCode()).isEqualTo(202);
		var record = TopicProbe.records(stack.kafka.getBrokersAsString(), Topics.IDENTITY_EVENTS.name())
			.stream()
			.filter((r) -> triggerId
				.equals(new String(r.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8)))
			.findFirst()
			.orElseThrow();
		assertThat(new String(record.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
			.startsWith("00-" + traceId + "-");
	}

	@Test
	void bothServicesExportTheirMetrics() {
		stack.post(stack.ingestUrl + "/hooks/kratos/settings/password", Map.of("X-Webhook-Key", "wrong"), "{}");
		Map<String, String> scraper = Map.of("Authorization", "Bearer " + RunningStack.METRICS_KEY);
		String ingestMetrics = stack.get(stack.ingestManagementUrl + "/actuator/prometheus", scraper).body();
		String workerMetrics = stack.get(stack.workerManagementUrl + "/actuator/prometheus", scraper).body();

		assertThat(ingestMetrics)
			.contains("kratos_sync_requests_total{kind=\"webhook\",outcome=\"rejected\",reason=\"unauthenticated\"}");
		assertThat(workerMetrics).contains("kratos_sync_outbox_pending",
				"kratos_sync_outbox_oldest_pending_age_seconds",
				"resilience4j_circuitbreaker_state{name=\"kratos-admin\"", "kafka_consumer_");
		assertThat(stack.get(stack.ingestManagementUrl + "/actuator/health/readiness", Map.of()).statusCode())
			.isEqualTo(200);
		assertThat(stack.get(stack.workerManagementUrl + "/actuator/health/readiness", Map.of()).statusCode())
			.isEqualTo(200);
	}

	private HttpResponse<String> requiredActions(String sessionToken) {
		return stack.get(stack.workerUrl + "/api/me/required-actions", Map.of("X-Session-Token", sessionToken));
	}

}
