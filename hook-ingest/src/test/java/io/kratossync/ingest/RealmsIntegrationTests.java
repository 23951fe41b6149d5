package io.kratossync.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kratossync.events.Topics;
import io.kratossync.testing.Fixtures;
import io.kratossync.testing.PathSpellings;
import io.kratossync.testing.RawHttp;
import io.kratossync.testing.TestBroker;
import io.kratossync.testing.TopicProbe;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every protected route of hook-ingest, tried the way an attacker probes it: with no
 * credential, with every other realm's credential, and with the right one, under every
 * other spelling of its path. Only the right credential on the path as documented is
 * served; everything else is refused with a 4xx problem and publishes nothing.
 */
@HookIngestTest
class RealmsIntegrationTests {

	private static final String IDENTITY = "3a5293f1-f4d6-49f4-b34f-6da62c360604";

	/** A protected route: its realm, method, canonical path and a body it accepts. */
	private record Route(String realm, String path, String body) {
	}

	private static final List<Route> ROUTES = List.of(
			new Route("webhook", "/hooks/kratos/settings/password",
					Fixtures.text("kratos/settings-after-password.json")),
			new Route("webhook", "/hooks/kratos/settings/profile", Fixtures.text("kratos/settings-after.ctx.json")),
			new Route("webhook", "/hooks/kratos/login/password", Fixtures.text("kratos/login-after.ctx.json")),
			new Route("webhook", "/hooks/kratos/registration/password",
					Fixtures.text("kratos/registration-after.ctx.json")),
			new Route("webhook", "/hooks/kratos/recovery", Fixtures.text("kratos/recovery-after.ctx.json")),
			new Route("webhook", "/hooks/kratos/verification", Fixtures.text("kratos/verification-after.ctx.json")),
			new Route("webhook", "/api/kratos/hooks/password-changed",
					Fixtures.text("kratos/settings-after-password.json")),
			new Route("admin", "/admin/identities/" + IDENTITY + "/password-change-required", "{\"reason\":\"test\"}"));

	/**
	 * The credentials an attacker may hold, by realm; {@code none} is no credential at
	 * all.
	 */
	private static final Map<String, Map<String, String>> CREDENTIALS = credentials();

	@Value("${local.server.port}")
	int port;

	@Value("${local.management.port}")
	int managementPort;

	@org.junit.jupiter.api.BeforeAll
	static void identityKnownToKratos() {
		KratosForIngest.stub().createIdentity(UUID.fromString(IDENTITY));
	}

	String bootstrapServers;

	@Autowired
	void broker(TestBroker broker) {
		this.bootstrapServers = broker.getBrokersAsString();
	}

	private static Map<String, Map<String, String>> credentials() {
		Map<String, Map<String, String>> credentials = new LinkedHashMap<>();
		credentials.put("none", Map.of());
		credentials.put("webhook", Map.of("X-Webhook-Key", HookIngestTest.WEBHOOK_KEY));
		credentials.put("webhook (basic)", Map.of("Authorization", "Basic " + Base64.getEncoder()
			.encodeToString(("kratos:" + HookIngestTest.BASIC_PASSWORD).getBytes(StandardCharsets.UTF_8))));
		credentials.put("admin", Map.of("X-Admin-Key", HookIngestTest.ADMIN_KEY));
		credentials.put("admin key in the webhook header", Map.of("X-Webhook-Key", HookIngestTest.ADMIN_KEY));
		credentials.put("webhook key in the admin header", Map.of("X-Admin-Key", HookIngestTest.WEBHOOK_KEY));
		credentials.put("metrics", Map.of("Authorization", "Bearer " + HookIngestTest.METRICS_KEY));
		return credentials;
	}

	@Test
	void onlyTheRightCredentialOnTheCanonicalPathIsServed() {
		List<String> failures = new ArrayList<>();
		int served = 0;
		int refused = 0;
		try (TopicProbe.EndOffsets topic = TopicProbe.watch(this.bootstrapServers, Topics.IDENTITY_EVENTS.name())) {
			for (Route route : ROUTES) {
				for (var credential : CREDENTIALS.entrySet()) {
					boolean right = credential.getKey().equals(route.realm())
							|| credential.getKey().equals(route.realm() + " (basic)");
					for (PathSpellings.Spelling spelling : PathSpellings.of(route.path())) {
						long before = topic.sum();
						Map<String, String> headers = new LinkedHashMap<>(credential.getValue());
						headers.put("Content-Type", "application/json");
						headers.put("Ory-Webhook-Trigger-ID", UUID.randomUUID().toString());
						RawHttp.Response response = RawHttp.send(this.port, "POST", spelling.target(), headers,
								route.body());
						long published = topic.sum() - before;
						String call = "POST " + spelling.target() + " (" + spelling.name() + ") with "
								+ credential.getKey() + " credential -> " + response.status();
						boolean mustServe = right && spelling.sameRequest();
						if (mustServe) {
							served++;
							if (response.status() != 202 || published != 1) {
								failures.add(call + ", published " + published + ": expected 202 and one record");
							}
						}
						else {
							refused++;
							// a request line that is no URI at all (backslashes) is
							// refused by the HTTP server itself,
							// with an empty 400; every other refusal is a problem
							// document
							boolean problem = response.headers()
								.getOrDefault("content-type", "")
								.startsWith("application/problem+json")
									|| (response.status() == 400 && response.body().isEmpty());
							if (response.status() < 400 || response.status() >= 500 || published != 0 || !problem) {
								failures.add(call + ", published " + published
										+ ": expected a 4xx problem and nothing published");
							}
						}
					}
				}
			}
		}
		assertThat(failures).as("%d served, %d refused", served, refused).isEmpty();
		// each webhook route with its key and with basic auth, the admin route with its
		// key; each spelled as
		// documented, with and without a query
		assertThat(served).isEqualTo(ROUTES.stream().mapToInt((r) -> r.realm().equals("webhook") ? 2 : 1).sum() * 2);
	}

	@Test
	void theAttacksOnTheAdminRouteGetTheirAnswers() {
		String admin = "/admin/identities/" + IDENTITY + "/password-change-required";
		Map<String, String> json = Map.of("Content-Type", "application/json");

		assertThat(RawHttp.send(this.port, "POST", admin.replace("/admin/", "/admin;a/"), json, "{}").status())
			.isEqualTo(400);
		assertThat(RawHttp.send(this.port, "POST", "/%68ooks/kratos/settings/password", json, "{}").status())
			.isEqualTo(400);
		assertThat(RawHttp.send(this.port, "POST", admin, json, "{}").status()).isEqualTo(401);
		assertThat(RawHttp.send(this.port, "POST", "/Admin" + admin.substring(6), json, "{}").status()).isEqualTo(401);
	}

	/**
	 * The headers that keep a browser from caching, sniffing, framing or referring an
	 * answer, on every answer of both ports: served, refused by a realm, refused by the
	 * path firewall, a probe. Kratos is no browser, but a URL of the ingest pasted into
	 * one must not be able to do more. (A refusal says {@code no-store} itself; the rest
	 * say Spring Security's {@code no-cache, no-store, max-age=0, must-revalidate}.)
	 */
	@Test
	void everyAnswerCarriesTheBrowserProtectionHeaders() {
		Map<String, String> webhook = Map.of("Content-Type", "application/json", "X-Webhook-Key",
				HookIngestTest.WEBHOOK_KEY, "Ory-Webhook-Trigger-ID", UUID.randomUUID().toString());
		Map<String, String> json = Map.of("Content-Type", "application/json");
		Map<String, RawHttp.Response> answers = new LinkedHashMap<>();
		answers.put("202", RawHttp.send(this.port, "POST", ROUTES.get(0).path(), webhook, ROUTES.get(0).body()));
		answers.put("401", RawHttp.send(this.port, "POST", ROUTES.get(0).path(), json, "{}"));
		answers.put("400 of the firewall", RawHttp.send(this.port, "POST", "/hooks/kratos/./login", json, "{}"));
		answers.put("404 of an actuator path",
				RawHttp.send(this.port, "GET", "/actuator/health", Map.of(), (String) null));
		answers.put("probe",
				RawHttp.send(this.managementPort, "GET", "/actuator/health/liveness", Map.of(), (String) null));
		assertThat(answers).allSatisfy((name, answer) -> assertThat(answer.headers()).as(name + " " + answer.status())
			.hasEntrySatisfying("cache-control", (value) -> assertThat(value).contains("no-store"))
			.containsEntry("x-content-type-options", "nosniff")
			.containsEntry("x-frame-options", "DENY")
			.containsEntry("x-xss-protection", "0")
			.containsEntry("referrer-policy", "no-referrer")
			.doesNotContainKey("strict-transport-security"));
		assertThat(answers.values()).extracting(RawHttp.Response::status).containsExactly(202, 401, 400, 404, 200);
	}

}
