package io.kratossync.worker;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityId;
import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.testing.KratosStub;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ReadApiIntegrationTests extends WorkerIntegrationTestSupport {

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void answers404ProblemForAnUnknownIdentity() throws Exception {
		HttpResponse<String> response = get("/api/identities/" + UUID.randomUUID() + "/settings", null, null);

		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
	}

	@Test
	void answers422ForAMalformedIdentityId() throws Exception {
		assertThat(get("/api/identities/not-a-uuid/settings", null, null).statusCode()).isEqualTo(422);
	}

	@Test
	void returnsTheStoredSettings() throws Exception {
		UUID identity = UUID.randomUUID();
		EventEnvelope required = envelope(
				new PasswordChangeRequired(new IdentityId(identity), Instant.parse("2026-04-01T08:00:00Z"), "audit"));
		publish(required);
		await().atMost(Duration.ofSeconds(30)).until(() -> inboxRows(required.id()) == 1);

		HttpResponse<String> response = get("/api/identities/" + identity + "/settings", null, null);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"identity_id\":\"" + identity + "\"", "\"force_password_change\":true",
				"\"force_password_change_at\":\"2026-04-01T08:00:00Z\"", "\"password_change_reason\":\"audit\"");
	}

	@Test
	void requiredActionsSaysChangePasswordWhileTheFlagIsSet() throws Exception {
		UUID identity = UUID.randomUUID();
		String token = kratos.createSession(identity);
		assertThat(get("/api/me/required-actions", null, token).body()).isEqualTo("{\"required_actions\":[]}");

		EventEnvelope required = envelope(new PasswordChangeRequired(new IdentityId(identity), Instant.now(), null));
		publish(required);
		await().atMost(Duration.ofSeconds(30)).until(() -> inboxRows(required.id()) == 1);
		// the requirement revoked the session; the user signs in again
		await().atMost(Duration.ofSeconds(30)).until(() -> kratos.activeSessions(identity) == 0);
		String cookie = kratos.createSession(identity);

		HttpResponse<String> response = get("/api/me/required-actions", cookie, null);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"required_actions\":[\"change_password\"],\"settings_url\":\""
				+ kratos.url() + "/self-service/settings/browser\"}");
		KratosStub.Call whoami = kratos.calls()
			.stream()
			.filter((c) -> c.path().equals("/sessions/whoami"))
			.reduce((a, b) -> b)
			.orElseThrow();
		assertThat(whoami.headers().get("Cookie")).containsExactly("ory_kratos_session=" + cookie);
	}

	@Test
	void requiredActionsIs401WithoutAValidSession() throws Exception {
		HttpResponse<String> none = get("/api/me/required-actions", null, null);
		HttpResponse<String> unknown = get("/api/me/required-actions", null, "ory_st_unknown");

		assertThat(none.statusCode()).isEqualTo(401);
		assertThat(unknown.statusCode()).isEqualTo(401);
		assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
	}

	@Test
	void requiredActionsSaysAal2WhenKratosAnswers403() throws Exception {
		String token = kratos.createSessionNeedingAal2(UUID.randomUUID());

		HttpResponse<String> response = get("/api/me/required-actions", null, token);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"required_actions\":[\"aal2\"],\"login_url\":\"" + kratos.url()
				+ "/self-service/login/browser?aal=aal2\"}");
	}

	private HttpResponse<String> get(String path, String cookie, String sessionToken) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).GET();
		if (cookie != null) {
			request.header("Cookie", "ory_kratos_session=" + cookie + "; theme=dark");
		}
		if (sessionToken != null) {
			request.header("X-Session-Token", sessionToken);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
