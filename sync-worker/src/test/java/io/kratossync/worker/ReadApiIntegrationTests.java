package io.kratossync.worker;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityId;
import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.testing.KratosStub;
import io.kratossync.testing.RawHttp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ReadApiIntegrationTests extends WorkerIntegrationTestSupport {

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void answers404ProblemForAnUnknownIdentity() throws Exception {
		HttpResponse<String> response = get("/api/identities/" + UUID.randomUUID() + "/settings", readKey());

		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
	}

	@Test
	void answers422ForAMalformedIdentityId() throws Exception {
		assertThat(get("/api/identities/not-a-uuid/settings", readKey()).statusCode()).isEqualTo(422);
	}

	@Test
	void returnsTheStoredSettingsOfAnyIdentityToTheServiceCredentialOnly() throws Exception {
		UUID identity = UUID.randomUUID();
		EventEnvelope required = envelope(
				new PasswordChangeRequired(new IdentityId(identity), Instant.parse("2026-04-01T08:00:00Z"), "audit"));
		publish(required);
		await().atMost(Duration.ofSeconds(30)).until(() -> inboxRows(required.id()) == 1);
		String path = "/api/identities/" + identity + "/settings";

		HttpResponse<String> response = get(path, readKey());
		HttpResponse<String> bearer = get(path, Map.of("Authorization", "Bearer " + READ_KEY));
		HttpResponse<String> anonymous = get(path, Map.of());
		HttpResponse<String> ownSession = get(path, Map.of("X-Session-Token", kratos.createSession(identity)));
		HttpResponse<String> metricsKey = get(path, Map.of("Authorization", "Bearer " + METRICS_KEY));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
		assertThat(response.body()).contains("\"identity_id\":\"" + identity + "\"", "\"force_password_change\":true",
				"\"force_password_change_at\":\"2026-04-01T08:00:00Z\"", "\"password_change_reason\":\"audit\"");
		assertThat(bearer.statusCode()).isEqualTo(200);
		for (HttpResponse<String> refused : List.of(anonymous, ownSession, metricsKey)) {
			assertThat(refused.statusCode()).isEqualTo(401);
			assertThat(refused.body()).doesNotContain("audit", identity.toString() + "\",\"force");
		}
	}

	@Test
	void requiredActionsSaysChangePasswordWhileTheFlagIsSet() throws Exception {
		UUID identity = UUID.randomUUID();
		String token = kratos.createSession(identity);
		assertThat(get("/api/me/required-actions", session(null, token)).body()).isEqualTo("{\"required_actions\":[]}");

		EventEnvelope required = envelope(new PasswordChangeRequired(new IdentityId(identity), Instant.now(), null));
		publish(required);
		await().atMost(Duration.ofSeconds(30)).until(() -> inboxRows(required.id()) == 1);
		// the requirement revoked the session; the user signs in again
		await().atMost(Duration.ofSeconds(30)).until(() -> kratos.activeSessions(identity) == 0);
		String cookie = kratos.createSession(identity);

		HttpResponse<String> response = get("/api/me/required-actions", session(cookie, null));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
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
	void requiredActionsAnswersOnlyAboutTheCallersOwnIdentity() throws Exception {
		UUID mustChange = UUID.randomUUID();
		UUID other = UUID.randomUUID();
		EventEnvelope required = envelope(new PasswordChangeRequired(new IdentityId(mustChange), Instant.now(), null));
		publish(required);
		await().atMost(Duration.ofSeconds(30)).until(() -> inboxRows(required.id()) == 1);
		String othersToken = kratos.createSession(other);

		// the other user names the first one in every way a request could, and still
		// learns only about itself
		HttpResponse<String> response = get("/api/me/required-actions?identity_id=" + mustChange,
				Map.of("X-Session-Token", othersToken, "X-Identity-Id", mustChange.toString()));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"required_actions\":[]}");
		assertThat(get("/api/me/required-actions", readKey()).statusCode()).isEqualTo(401);
	}

	@Test
	void requiredActionsIs401WithoutAValidSession() throws Exception {
		HttpResponse<String> none = get("/api/me/required-actions", Map.of());
		HttpResponse<String> unknown = get("/api/me/required-actions", session(null, "ory_st_unknown"));

		assertThat(none.statusCode()).isEqualTo(401);
		assertThat(unknown.statusCode()).isEqualTo(401);
		assertThat(unknown.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
	}

	@Test
	void aTokenThatCannotBeAHeaderValueIs401WithoutAskingKratos() {
		long before = whoamiCalls();
		for (String token : new String[] { "ory_st_\u00e9t\u00e9", "ory st with spaces", "x".repeat(5000),
				"ory_st_\"quoted\"" }) {
			RawHttp.Response response = RawHttp.send(this.port, "GET", "/api/me/required-actions",
					Map.of("X-Session-Token", token));
			assertThat(response.status()).as(token).isEqualTo(401);
		}
		assertThat(whoamiCalls()).isEqualTo(before);
	}

	@Test
	void requiredActionsSaysAal2WhenKratosAnswers403() throws Exception {
		String token = kratos.createSessionNeedingAal2(UUID.randomUUID());

		HttpResponse<String> response = get("/api/me/required-actions", session(null, token));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"required_actions\":[\"aal2\"],\"login_url\":\"" + kratos.url()
				+ "/self-service/login/browser?aal=aal2\"}");
	}

	private long whoamiCalls() {
		return kratos.calls().stream().filter((c) -> c.path().equals("/sessions/whoami")).count();
	}

	private static Map<String, String> readKey() {
		return Map.of("X-Read-Key", READ_KEY);
	}

	private static Map<String, String> session(String cookie, String token) {
		Map<String, String> headers = new LinkedHashMap<>();
		if (cookie != null) {
			headers.put("Cookie", "ory_kratos_session=" + cookie + "; theme=dark");
		}
		if (token != null) {
			headers.put("X-Session-Token", token);
		}
		return headers;
	}

	private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).GET();
		headers.forEach(request::header);
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
