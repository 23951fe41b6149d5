package io.kratossync.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.kratossync.events.Topics;
import io.kratossync.testing.Fixtures;
import io.kratossync.testing.TopicProbe;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every Kratos after-hook point, end to end: a Kratos-shaped {@code ctx} (fixtures in
 * test-support, one per flow, holding a session cookie, a CSRF token, {@code ui} nodes
 * and a session token) is rendered by the shipped {@code infra/kratos/webhook.jsonnet}
 * with a real Jsonnet implementation (the {@code jsonnet} command, as Kratos's go-jsonnet
 * would), posted to the hook point's URL, carried through the real broker and applied to
 * PostgreSQL.
 */
class HookPointsJsonnetIntegrationTests {

	private static final Path TEMPLATE = Path.of("..", "kratos", "webhook.jsonnet");

	private static final String FIXTURE_IDENTITY = "3a5293f1-f4d6-49f4-b34f-6da62c360604";

	private static final List<String> SECRETS = List.of("csrf_token", "ory_kratos_session",
			"MTczODMyMDAwMHxzZWNyZXQtc2Vzc2lvbi1jb29raWUtdmFsdWU", "ory_st_SECRETsessionTOKENthatMustNeverLeave",
			"P91A1RzvL4xHAls2Gl76cbaXVMhBdpAj3c4vaRMckYY7JmGswmBHuul", "nodes", "Mozilla", "transient_payload");

	private static RunningStack stack;

	@BeforeAll
	static void start() {
		stack = RunningStack.start();
	}

	@AfterAll
	static void stop() {
		stack.close();
	}

	static Stream<Arguments> hookPoints() {
		List<Arguments> points = new ArrayList<>();
		for (String method : List.of("password", "oidc", "webauthn", "passkey", "code")) {
			points.add(Arguments.of("registration/" + method, "registration",
					Map.of("registration_method", method, "registered_at", ts("2026-01-31T11:19:37.096674Z"), "email",
							"0.g5vv0qpoxl@ory.com", "email_verified", false, "state", "active", "schema_id",
							"default")));
		}
		for (String method : List.of("password", "oidc", "code", "totp", "webauthn", "passkey", "lookup_secret")) {
			points.add(Arguments.of("login/" + method, "login", Map.of("last_login_method", method, "last_login_at",
					ts("2026-02-03T08:10:00Z"), "last_login_aal", "aal1")));
		}
		points.add(Arguments.of("settings/password", "settings",
				Map.of("password_changed_at", ts("2026-02-03T08:15:42.512Z"), "force_password_change", false)));
		for (String method : List.of("profile", "oidc")) {
			points.add(Arguments.of("settings/" + method, "settings",
					Map.of("email", "0.g5vv0qpoxl@ory.com", "schema_id", "default", "state", "active")));
		}
		for (String method : List.of("totp", "webauthn", "passkey", "lookup_secret")) {
			points.add(Arguments.of("settings/" + method, "settings", Map.of("second_factor_method", method,
					"second_factor_changed_at", ts("2026-02-03T08:15:42.512Z"))));
		}
		points.add(Arguments.of("recovery", "recovery", Map.of()));
		points.add(Arguments.of("verification", "verification",
				Map.of("email_verified", true, "email_verified_at", ts("2026-02-03T08:20:00Z"))));
		return points.stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("hookPoints")
	void appliesTheRenderedWebhookOfEveryHookPoint(String hookPoint, String flow, Map<String, Object> expected)
			throws Exception {
		UUID identity = UUID.randomUUID();
		String body = render(
				Fixtures.text("kratos/" + flow + "-after.ctx.json").replace(FIXTURE_IDENTITY, identity.toString()));
		String triggerId = UUID.randomUUID().toString();

		var response = stack.post(stack.ingestUrl + "/hooks/kratos/" + hookPoint,
				Map.of("X-Webhook-Key", RunningStack.WEBHOOK_KEY, "Ory-Webhook-Trigger-ID", triggerId), body);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> stack.jdbc()
				.sql("SELECT count(*) FROM processed_events WHERE event_id = ?")
				.param(UUID.fromString(triggerId))
				.query(Long.class)
				.single() == 1);
		expected.forEach((column, value) -> assertThat(stack.setting(identity, column)).as(column).isEqualTo(value));
		if (flow.equals("recovery")) {
			assertThat(stack.setting(identity, "recovered_at")).isNotNull();
		}
		ConsumerRecord<byte[], byte[]> record = TopicProbe
			.records(stack.kafka.getBrokersAsString(), Topics.IDENTITY_EVENTS.name())
			.stream()
			.filter((r) -> triggerId
				.equals(new String(r.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8)))
			.findFirst()
			.orElseThrow();
		String published = TopicProbe.text(record);
		assertThat(published).doesNotContain(SECRETS);
	}

	@Test
	void templateRendersNoSecretOfAFullCtx() throws Exception {
		for (String flow : List.of("registration", "login", "settings", "recovery", "verification")) {
			String rendered = render(Fixtures.text("kratos/" + flow + "-after.ctx.json"));
			assertThat(rendered).as(flow).doesNotContain(SECRETS).contains(FIXTURE_IDENTITY);
		}
	}

	@Test
	void templateRendersOnlyWhatTheEventsRead() throws Exception {
		tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
		for (String flow : List.of("registration", "login", "settings", "recovery", "verification")) {
			tools.jackson.databind.node.ObjectNode ctx = (tools.jackson.databind.node.ObjectNode) json
				.readTree(Fixtures.text("kratos/" + flow + "-after.ctx.json"));
			// personal data the application does not keep
			tools.jackson.databind.node.ObjectNode identity = (tools.jackson.databind.node.ObjectNode) ctx
				.get("identity");
			((tools.jackson.databind.node.ObjectNode) identity.get("traits")).put("name", "Ada Lovelace")
				.put("phone", "+44 20 7946 0958");
			identity.putObject("metadata_public").put("plan", "gold-plan");
			String text = render(json.writeValueAsString(ctx));
			assertThat(text).as(flow).doesNotContain("Ada Lovelace", "7946", "gold-plan");
			tools.jackson.databind.JsonNode rendered = json.readTree(text);
			assertThat(rendered.propertyNames()).as(flow).containsExactlyInAnyOrder("identity", "flow", "session");
			assertThat(rendered.path("identity").propertyNames()).as(flow)
				.containsExactlyInAnyOrder("id", "schema_id", "state", "traits", "verifiable_addresses", "created_at",
						"updated_at");
			assertThat(rendered.at("/identity/traits").propertyNames()).as(flow).containsExactly("email");
			assertThat(rendered.path("flow").propertyNames()).as(flow).containsExactly("id");
			for (tools.jackson.databind.JsonNode address : rendered.at("/identity/verifiable_addresses")) {
				assertThat(address.propertyNames()).containsExactlyInAnyOrder("value", "via", "verified",
						"verified_at");
			}
			if (!rendered.path("session").isNull()) {
				assertThat(rendered.path("session").propertyNames()).as(flow)
					.containsExactlyInAnyOrder("id", "aal", "authenticated_at");
			}
		}
	}

	@Test
	void templateRendersTheDocumentedSampleThatIngestAccepts() throws Exception {
		// the registration sample from Kratos's docs, with the zero timestamps Kratos
		// sends before persistence
		String body = render(Fixtures.text("kratos/registration-after-password.ctx.json"));
		var response = stack.post(stack.ingestUrl + "/hooks/kratos/registration/password",
				Map.of("X-Webhook-Key", RunningStack.WEBHOOK_KEY), body);

		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(response.body()).contains("kratos.identity.registered");
	}

	private static Object ts(String instant) {
		return Timestamp.from(Instant.parse(instant));
	}

	/**
	 * Renders the shipped template with Kratos's ctx as its top-level argument, as Kratos
	 * does.
	 */
	private static String render(String ctx) throws IOException, InterruptedException {
		Path ctxFile = Files.createTempFile("ctx", ".json");
		try {
			Files.writeString(ctxFile, ctx);
			Process jsonnet = new ProcessBuilder("jsonnet", "--tla-code-file", "ctx=" + ctxFile, TEMPLATE.toString())
				.redirectErrorStream(true)
				.start();
			String out = new String(jsonnet.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(jsonnet.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(jsonnet.exitValue()).as(out).isZero();
			return out;
		}
		finally {
			Files.deleteIfExists(ctxFile);
		}
	}

}
