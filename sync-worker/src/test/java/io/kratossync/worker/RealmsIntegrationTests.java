package io.kratossync.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityId;
import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.testing.PathSpellings;
import io.kratossync.testing.RawHttp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every route of the read API, tried the way an attacker probes it: with no credential,
 * with another realm's credential (a read key on the end-user route, a user's session on
 * the service route, the metrics key), and with the right one, under every other spelling
 * of its path. Only the right credential on the path as documented is served; every other
 * request is refused with a 4xx and carries none of the stored personal data.
 */
class RealmsIntegrationTests extends WorkerIntegrationTestSupport {

	private static final String MARKER = "reason-marker-5f3a";

	@Test
	void onlyTheRightCredentialOnTheCanonicalPathIsServed() {
		UUID identity = UUID.randomUUID();
		EventEnvelope required = envelope(new PasswordChangeRequired(new IdentityId(identity), Instant.now(), MARKER));
		publish(required);
		// the requirement revokes the identity's sessions: the sessions below are the
		// ones the user opens afterwards
		await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(actionStatus(required.id())));
		Map<String, String> routes = Map.of("/api/identities/" + identity + "/settings", "read",
				"/api/me/required-actions", "end user");
		Map<String, Map<String, String>> credentials = new LinkedHashMap<>();
		credentials.put("none", Map.of());
		credentials.put("read", Map.of("X-Read-Key", READ_KEY));
		credentials.put("read (bearer)", Map.of("Authorization", "Bearer " + READ_KEY));
		credentials.put("end user", Map.of("X-Session-Token", kratos.createSession(identity)));
		credentials.put("end user (cookie)", Map.of("Cookie", "ory_kratos_session=" + kratos.createSession(identity)));
		credentials.put("metrics", Map.of("Authorization", "Bearer " + METRICS_KEY));
		credentials.put("read key as a session token", Map.of("X-Session-Token", READ_KEY));
		credentials.put("session token as a read key", Map.of("X-Read-Key", kratos.createSession(identity)));
		List<String> failures = new ArrayList<>();
		Set<String> refusedByTheServer = new TreeSet<>();
		int served = 0;
		for (var route : routes.entrySet()) {
			for (var credential : credentials.entrySet()) {
				boolean right = credential.getKey().startsWith(route.getValue() + " (")
						|| credential.getKey().equals(route.getValue());
				for (PathSpellings.Spelling spelling : PathSpellings.of(route.getKey())) {
					RawHttp.Response response = RawHttp.send(this.port, "GET", spelling.target(),
							credential.getValue());
					String call = "GET " + spelling.target() + " (" + spelling.name() + ") with " + credential.getKey()
							+ " credential -> " + response.status();
					if (right && spelling.sameRequest()) {
						served++;
						if (response.status() != 200) {
							failures.add(call + ": expected 200");
						}
						continue;
					}
					if (response.status() < 400 || response.status() >= 500 || response.body().contains(MARKER)
							|| response.body().contains("force_password_change")) {
						failures.add(call + ": expected a 4xx without personal data");
					}
					if (!response.headers().getOrDefault("content-type", "").startsWith("application/problem+json")) {
						refusedByTheServer.add(spelling.name() + " " + response.status());
					}
				}
			}
		}
		assertThat(failures).isEmpty();
		assertThat(served).isEqualTo(2 * 2 * 2);
		// requests whose target is no valid URI are refused by the servlet container
		// itself, before any filter
		assertThat(refusedByTheServer).allSatisfy((spelling) -> assertThat(spelling).endsWith(" 400"));
		System.out.println("Refused by the servlet container before the application: " + refusedByTheServer);
	}

}
