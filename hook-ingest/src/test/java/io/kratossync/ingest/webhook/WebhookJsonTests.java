package io.kratossync.ingest.webhook;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import io.kratossync.ingest.RandomBodies;
import io.kratossync.ingest.web.InvalidPayloadException;
import io.kratossync.testing.Fixtures;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class WebhookJsonTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final List<String> FIXTURES = List.of("login-after.ctx.json", "recovery-after.ctx.json",
			"registration-after-password.ctx.json", "registration-after.ctx.json", "settings-after-password.json",
			"settings-after.ctx.json", "verification-after.ctx.json");

	@Test
	void keepsWhatHookBodyReadsOfEveryFixture() {
		for (String fixture : FIXTURES) {
			byte[] body = Fixtures.text("kratos/" + fixture).getBytes(StandardCharsets.UTF_8);
			assertThat(outcome(WebhookJson.read(body))).as(fixture)
				.startsWith("HookBody[")
				.isEqualTo(outcome(JSON.readTree(body)));
		}
	}

	@Test
	void readsEveryRandomBodyAsTheWholeTreeWould() {
		long seed = Long.getLong("fuzz.seed", System.nanoTime());
		Random random = new Random(seed);
		List<JsonNode> valid = FIXTURES.stream().map((f) -> JSON.readTree(Fixtures.text("kratos/" + f))).toList();
		int compared = 0;
		for (int i = 0; i < 5000; i++) {
			JsonNode template = valid.get(random.nextInt(valid.size()));
			JsonNode wrapped = JSON.createObjectNode().set("ctx", template);
			byte[] body = RandomBodies.body(random, random.nextBoolean() ? template : wrapped);
			String whole;
			try {
				// an empty body is a missing node to a whole-tree read, and no body at
				// all to the endpoint
				whole = (new String(body, StandardCharsets.UTF_8).isBlank()) ? null : outcome(JSON.readTree(body));
			}
			catch (JacksonException ex) {
				whole = null;
			}
			if (whole == null) {
				assertThatExceptionOfType(JacksonException.class).as("case %d of seed %d", i, seed)
					.isThrownBy(() -> WebhookJson.read(body));
				continue;
			}
			assertThat(outcome(WebhookJson.read(body))).as("case %d of seed %d", i, seed).isEqualTo(whole);
			compared++;
		}
		assertThat(compared).isGreaterThan(2500);
	}

	@Test
	void dropsWhatEventsDoNotNeed() {
		JsonNode tree = WebhookJson
			.read(Fixtures.text("kratos/settings-after.ctx.json").getBytes(StandardCharsets.UTF_8));

		assertThat(tree.propertyNames()).containsOnly("identity", "flow", "session");
		assertThat(tree.get("identity").propertyNames()).doesNotContain("credentials", "metadata_public");
		assertThat(tree.get("flow").propertyNames()).containsOnly("id");
	}

	@Test
	void refusesWhatIsNotOneJsonValue() {
		for (String body : List.of("", "  ", "{} {}", "{\"identity\": {}", "{\"identity\": {}}x", "nul")) {
			assertThatExceptionOfType(JacksonException.class).as(body)
				.isThrownBy(() -> WebhookJson.read(body.getBytes(StandardCharsets.UTF_8)));
		}
	}

	/** What the body becomes: the parsed fields, or the field and message of the 422. */
	private static String outcome(JsonNode tree) {
		try {
			return HookBody.parse(tree).toString();
		}
		catch (InvalidPayloadException ex) {
			return "invalid " + ex.field() + ": " + ex.getMessage();
		}
	}

}
