package io.kratossync.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import io.kratossync.ingest.HookIngestApplication;
import io.kratossync.testing.Fixtures;
import io.kratossync.testing.KratosStub;
import io.kratossync.testing.Postgres;
import io.kratossync.worker.SyncWorkerApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The story the project exists for, through every real part: an administrator requires a password change; the
 * user's Kratos sessions are revoked; back again, the user is told to change the password; Kratos's
 * settings-after-password webhook (delivered five times, as retries would) clears the requirement.
 */
class PasswordChangeLoopIntegrationTests {

	private static final String WEBHOOK_KEY = "e2e-webhook-key";

	private static final String ADMIN_KEY = "e2e-admin-key";

	private static EmbeddedKafkaKraftBroker kafka;

	private static KratosStub kratos;

	private static ConfigurableApplicationContext ingest;

	private static ConfigurableApplicationContext worker;

	private static String ingestUrl;

	private static String workerUrl;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void startEverything() {
		kafka = new EmbeddedKafkaKraftBroker(1, 3);
		kafka.afterPropertiesSet();
		kratos = KratosStub.start();
		String database = Postgres.freshDatabase();
		ingest = HookIngestApplication.application()
			.run("--server.port=0", "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
					"--kratos-sync.ingest.webhook-auth.api-keys=" + WEBHOOK_KEY,
					"--kratos-sync.ingest.admin-auth.api-keys=" + ADMIN_KEY, "--kratos-sync.ingest.topic-partitions=3");
		worker = SyncWorkerApplication.application()
			.run("--server.port=0", "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
					"--spring.datasource.url=" + database, "--spring.datasource.username=postgres",
					"--spring.datasource.password=postgres", "--kratos-sync.worker.kratos.admin-url=" + kratos.url(),
					"--kratos-sync.worker.kratos.public-url=" + kratos.url(), "--kratos-sync.worker.topic-partitions=3",
					"--kratos-sync.worker.outbox.poll-interval=100ms");
		ingestUrl = "http://127.0.0.1:" + ingest.getEnvironment().getProperty("local.server.port");
		workerUrl = "http://127.0.0.1:" + worker.getEnvironment().getProperty("local.server.port");
	}

	@AfterAll
	static void stopEverything() {
		if (worker != null) {
			worker.close();
		}
		if (ingest != null) {
			ingest.close();
		}
		if (kratos != null) {
			kratos.close();
		}
		if (kafka != null) {
			kafka.destroy();
		}
	}

	@Test
	void requireRevokeRedirectChangeClear() throws Exception {
		UUID identity = UUID.randomUUID();
		kratos.createSession(identity);
		kratos.createSession(identity);

		// 1. an administrator requires a password change
		HttpResponse<String> required = post(ingestUrl + "/admin/identities/" + identity + "/password-change-required",
				"X-Admin-Key", ADMIN_KEY, null, "{\"reason\":\"credential stuffing\"}");
		assertThat(required.statusCode()).isEqualTo(202);

		// 2. exactly one revocation of all the user's sessions
		await().atMost(Duration.ofSeconds(30)).until(() -> kratos.activeSessions(identity) == 0);
		assertThat(kratos.revocationCalls(identity)).extracting(KratosStub.Call::status).containsExactly(204);

		// 3. the user signs in again and the application learns to send them to the settings flow
		String session = kratos.createSession(identity);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(requiredActions(session).body()).isEqualTo(
					"{\"required_actions\":[\"change_password\"],\"settings_url\":\"" + kratos.url()
							+ "/self-service/settings/browser\"}"));

		// 4. the user changes the password; Kratos calls the webhook, retried four times with one trigger id
		String triggerId = UUID.randomUUID().toString();
		String body = Fixtures.text("kratos/settings-after-password.json")
			.replace("3a5293f1-f4d6-49f4-b34f-6da62c360604", identity.toString())
			.replace("2026-02-03T08:15:42.512Z", Instant.now().plus(1, ChronoUnit.SECONDS).toString());
		for (int attempt = 0; attempt < 5; attempt++) {
			HttpResponse<String> hook = post(ingestUrl + "/hooks/kratos/settings/password", "X-Webhook-Key",
					WEBHOOK_KEY, triggerId, body);
			assertThat(hook.statusCode()).isEqualTo(202);
		}

		// 5. the requirement is cleared, once
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(requiredActions(session).body()).isEqualTo("{\"required_actions\":[]}"));
		JdbcClient jdbc = worker.getBean(JdbcClient.class);
		assertThat(jdbc.sql("SELECT count(*) FROM processed_events WHERE event_id = ?")
			.param(UUID.fromString(triggerId))
			.query(Long.class)
			.single()).isEqualTo(1);
		assertThat(jdbc.sql("SELECT count(*) FROM processed_events WHERE identity_id = ?")
			.param(identity)
			.query(Long.class)
			.single()).isEqualTo(2);
		assertThat(kratos.revocationCalls(identity)).hasSize(1);
		HttpResponse<String> settings = get(workerUrl + "/api/identities/" + identity + "/settings", null);
		assertThat(settings.body()).contains("\"force_password_change\":false");
	}

	private HttpResponse<String> requiredActions(String sessionToken) throws Exception {
		return get(workerUrl + "/api/me/required-actions", sessionToken);
	}

	private HttpResponse<String> get(String url, String sessionToken) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
		if (sessionToken != null) {
			request.header("X-Session-Token", sessionToken);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String url, String keyHeader, String key, String triggerId, String json)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header(keyHeader, key)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json));
		if (triggerId != null) {
			request.header("Ory-Webhook-Trigger-ID", triggerId);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
