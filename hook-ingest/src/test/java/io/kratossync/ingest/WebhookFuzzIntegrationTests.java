package io.kratossync.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import io.kratossync.events.Topics;
import io.kratossync.testing.Fixtures;
import io.kratossync.testing.PathSpellings;
import io.kratossync.testing.RawHttp;
import io.kratossync.testing.TestBroker;
import io.kratossync.testing.TopicProbe;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throws thousands of generated requests at the ingest: mutated Kratos bodies (fields
 * removed, retyped, made huge or deeply nested), random bytes, truncated JSON, odd
 * content types, wrong or odd credentials and trigger ids, unknown hook points. Whatever
 * arrives, the answer is never a 5xx, and a request that is not accepted never puts a
 * record on the topic (an accepted one puts exactly one). The seed is printed; set
 * {@code -Dfuzz.seed} to replay a run and {@code -Dfuzz.cases} to run more.
 */
@HookIngestTest
class WebhookFuzzIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final List<String> PATHS = List.of("/hooks/kratos/settings/password",
			"/hooks/kratos/settings/profile", "/hooks/kratos/login/password", "/hooks/kratos/login/totp",
			"/hooks/kratos/registration/oidc", "/hooks/kratos/recovery", "/hooks/kratos/verification",
			"/api/kratos/hooks/password-changed", "/hooks/kratos/settings/nonsense", "/hooks/kratos/logout",
			"/hooks/kratos/login/password/extra", "/hooks/kratos/%2e%2e/admin");

	private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-8",
			"text/plain", "application/xml", "application/x-www-form-urlencoded", "garbage/x", "application/json;;;q=",
			"");

	@LocalServerPort
	int port;

	/**
	 * The broker of this context (not the system property, which the last started broker
	 * overwrites).
	 */
	String bootstrapServers;

	@Autowired
	void broker(TestBroker broker) {
		this.bootstrapServers = broker.getBrokersAsString();
	}

	@Test
	void neverAnswers5xxAndPublishesOnlyWhatItAccepts() throws Exception {
		long seed = Long.getLong("fuzz.seed", System.nanoTime());
		int cases = Integer.getInteger("fuzz.cases", 3000);
		Random random = new Random(seed);
		JsonNode template = JSON.readTree(Fixtures.text("kratos/settings-after-password.json"));
		JsonNode rawCtx = JSON.readTree(Fixtures.text("kratos/settings-after.ctx.json"));
		Map<Integer, Integer> statuses = new TreeMap<>();
		try (TopicProbe.EndOffsets topic = TopicProbe.watch(this.bootstrapServers, Topics.IDENTITY_EVENTS.name())) {
			for (int i = 0; i < cases; i++) {
				long before = topic.sum();
				String path = PATHS.get(random.nextInt(random.nextInt(4) == 0 ? PATHS.size() : 8));
				boolean respelled = random.nextInt(8) == 0;
				if (respelled) {
					// another spelling of the path, as an attacker tries to slip past the
					// checks
					path = PathSpellings.random(random, PATHS.get(random.nextInt(8)));
				}
				byte[] body = RandomBodies.body(random, random.nextBoolean() ? template : rawCtx);
				String contentType = random.nextInt(10) < 7 ? "application/json"
						: CONTENT_TYPES.get(random.nextInt(CONTENT_TYPES.size()));
				String key = switch (random.nextInt(10)) {
					case 0 -> null;
					case 1 -> "wrong";
					case 2 -> asciiString(random, 300);
					default -> HookIngestTest.WEBHOOK_KEY;
				};
				String triggerId = switch (random.nextInt(4)) {
					case 0 -> null;
					case 1 -> asciiString(random, 80);
					default -> UUID.randomUUID().toString();
				};
				Map<String, String> headers = new HashMap<>();
				headers.put("Content-Type", contentType.isEmpty() ? null : contentType);
				headers.put("X-Webhook-Key", key);
				headers.put("Ory-Webhook-Trigger-ID", triggerId);
				int status = RawHttp.send(this.port, "POST", path, headers, body).status();
				statuses.merge(status, 1, Integer::sum);
				long published = topic.sum() - before;
				String replay = "case " + i + " of seed " + seed + ": " + path + " -> " + status;
				assertThat(status).as(replay).isLessThan(500);
				if (respelled) {
					assertThat(status).as(replay + ": another spelling of a path is never served")
						.isGreaterThanOrEqualTo(400);
				}
				assertThat(published).as(replay + ", records published").isEqualTo((status == 202) ? 1 : 0);
			}
		}
		System.out.printf("Webhook fuzz: %d cases, seed %d, statuses %s%n", cases, seed, statuses);
		assertThat(statuses).containsKey(202).containsKey(401).containsKey(422);
	}

	private static String asciiString(Random random, int maxLength) {
		int length = random.nextInt(maxLength) + 1;
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			text.append((char) (33 + random.nextInt(94)));
		}
		return text.toString();
	}

}
