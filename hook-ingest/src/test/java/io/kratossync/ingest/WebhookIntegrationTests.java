package io.kratossync.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityId;
import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.events.PasswordChanged;
import io.kratossync.events.Topics;
import io.kratossync.ingest.web.Accepted;
import io.kratossync.testing.Fixtures;
import io.kratossync.testing.RawHttp;
import io.kratossync.testing.TestBroker;
import io.kratossync.testing.TopicProbe;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

@HookIngestTest
class WebhookIntegrationTests {

	private static final String SETTINGS_PASSWORD = Fixtures.text("kratos/settings-after-password.json");

	private static final String IDENTITY = "3a5293f1-f4d6-49f4-b34f-6da62c360604";

	@Autowired
	WebTestClient client;

	@Autowired
	MeterRegistry meters;

	@Value("${local.server.port}")
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
	void publishesPasswordChangedOnceKafkaAcknowledged() {
		String triggerId = UUID.randomUUID().toString();

		this.client.post()
			.uri("/hooks/kratos/settings/password")
			.header("X-Webhook-Key", HookIngestTest.WEBHOOK_KEY)
			.header("Ory-Webhook-Trigger-ID", triggerId)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(SETTINGS_PASSWORD)
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectBody()
			.jsonPath("$.event_id")
			.isEqualTo(triggerId)
			.jsonPath("$.type")
			.isEqualTo("kratos.identity.password_changed")
			.jsonPath("$.identity_id")
			.isEqualTo(IDENTITY);

		ConsumerRecord<byte[], byte[]> record = recordWithId(triggerId);
		assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(IDENTITY);
		assertThat(header(record, "ce_type")).isEqualTo("kratos.identity.password_changed");
		assertThat(header(record, "ce_subject")).isEqualTo(IDENTITY);
		assertThat(header(record, "ce_source")).isEqualTo("/kratos-sync/hook-ingest/settings/password");
		EventEnvelope event = decode(record);
		assertThat(event.data()).isEqualTo(new PasswordChanged(IdentityId.parse(IDENTITY),
				Instant.parse("2026-02-03T08:15:42.512Z"), UUID.fromString("9d2f4b1a-6c3e-4f5d-8a7b-2c1d0e9f8a7b")));
	}

	@Test
	void acceptsTheStingPathAsSettingsPassword() {
		String triggerId = UUID.randomUUID().toString();
		post("/api/kratos/hooks/password-changed", HookIngestTest.WEBHOOK_KEY, triggerId, SETTINGS_PASSWORD)
			.expectStatus()
			.isAccepted();

		assertThat(header(recordWithId(triggerId), "ce_type")).isEqualTo("kratos.identity.password_changed");
	}

	@Test
	void acceptsEveryConfiguredKeyForRotation() {
		post("/hooks/kratos/settings/password", HookIngestTest.ROTATED_KEY, UUID.randomUUID().toString(),
				SETTINGS_PASSWORD)
			.expectStatus()
			.isAccepted();
	}

	@Test
	void keepsTheTriggerIdAcrossKratosRetries() {
		String triggerId = UUID.randomUUID().toString();
		for (int i = 0; i < 3; i++) {
			post("/hooks/kratos/settings/password", HookIngestTest.WEBHOOK_KEY, triggerId, SETTINGS_PASSWORD)
				.expectStatus()
				.isAccepted();
		}
		assertThat(records().stream().filter((r) -> triggerId.equals(header(r, "ce_id")))).hasSize(3);
	}

	@Test
	void derivesTheSameEventIdForARetryWithoutTriggerId() {
		String first = eventIdOf(
				post("/hooks/kratos/settings/password", HookIngestTest.WEBHOOK_KEY, null, SETTINGS_PASSWORD));
		String second = eventIdOf(
				post("/hooks/kratos/settings/password", HookIngestTest.WEBHOOK_KEY, null, SETTINGS_PASSWORD));
		String otherChange = eventIdOf(post("/hooks/kratos/settings/password", HookIngestTest.WEBHOOK_KEY, null,
				SETTINGS_PASSWORD.replace("2026-02-03T08:15:42.512Z", "2026-02-04T10:00:00Z")));

		assertThat(second).isEqualTo(first);
		assertThat(otherChange).isNotEqualTo(first);
	}

	@Test
	void acceptsARawDumpOfTheWholeCtxAndPublishesNoSecretOfIt() {
		String ctx = Fixtures.text("kratos/registration-after-password.ctx.json")
			.replace("\"updated_at\": \"0001-01-01T00:00:00Z\",\n    \"verifiable_addresses\"",
					"\"updated_at\": \"2026-02-01T10:00:00Z\",\n    \"verifiable_addresses\"");
		String triggerId = UUID.randomUUID().toString();
		post("/hooks/kratos/settings/password", HookIngestTest.WEBHOOK_KEY, triggerId, "{\"ctx\":" + ctx + "}")
			.expectStatus()
			.isAccepted();

		ConsumerRecord<byte[], byte[]> record = recordWithId(triggerId);
		String everything = TopicProbe.text(record);
		assertThat(everything).doesNotContain("csrf_token", "BPshed6PaDaufaFQeuYRYeZ3MrDSeLVJxyk5X37DpI8",
				"P91A1RzvL4xHAls2Gl76cbaXVMhBdpAj3c4vaRMckYY7JmGswmBHuul", "Cookie", "nodes", "Mozilla");
	}

	@Test
	void rejectsWebhookWithWrongOrMissingApiKeyAndPublishesNothing() {
		long before = TopicProbe.endOffsetSum(this.bootstrapServers, Topics.IDENTITY_EVENTS.name());

		post("/hooks/kratos/settings/password", "wrong-key", null, SETTINGS_PASSWORD).expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(401)
			.jsonPath("$.detail")
			.isEqualTo("A valid API key is required in the X-Webhook-Key header");
		post("/hooks/kratos/settings/password", null, null, SETTINGS_PASSWORD).expectStatus().isUnauthorized();
		post("/hooks/kratos/settings/password", HookIngestTest.ADMIN_KEY, null, SETTINGS_PASSWORD).expectStatus()
			.isUnauthorized();

		assertThat(TopicProbe.endOffsetSum(this.bootstrapServers, Topics.IDENTITY_EVENTS.name())).isEqualTo(before);
	}

	@Test
	void answersBadInputWithProblemsAndPublishesNothing() {
		long before = TopicProbe.endOffsetSum(this.bootstrapServers, Topics.IDENTITY_EVENTS.name());

		post("/hooks/kratos/settings/password", HookIngestTest.WEBHOOK_KEY, null, "{\"identity\":{}}").expectStatus()
			.isEqualTo(422)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.field")
			.isEqualTo("identity.id");
		post("/hooks/kratos/settings/password", HookIngestTest.WEBHOOK_KEY, null,
				SETTINGS_PASSWORD.replace(IDENTITY, "not-a-uuid"))
			.expectStatus()
			.isEqualTo(422);
		post("/hooks/kratos/settings/password", HookIngestTest.WEBHOOK_KEY, null, "{\"identity\": ").expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		post("/hooks/kratos/settings/nonsense", HookIngestTest.WEBHOOK_KEY, null, SETTINGS_PASSWORD).expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		this.client.post()
			.uri("/hooks/kratos/settings/password")
			.header("X-Webhook-Key", HookIngestTest.WEBHOOK_KEY)
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue(SETTINGS_PASSWORD)
			.exchange()
			.expectStatus()
			.isEqualTo(415)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		String huge = "{\"identity\":{\"id\":\"" + IDENTITY + "\"},\"pad\":\"" + "x".repeat(300 * 1024) + "\"}";
		post("/hooks/kratos/settings/password", HookIngestTest.WEBHOOK_KEY, null, huge).expectStatus()
			.isEqualTo(413)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(TopicProbe.endOffsetSum(this.bootstrapServers, Topics.IDENTITY_EVENTS.name())).isEqualTo(before);
	}

	/**
	 * A declared length over the cap is refused before the body is read: the request
	 * below sends its headers only, so an ingest that waited for the body would never
	 * answer. Without the right credential it is refused as unauthenticated, never told
	 * anything about its body.
	 */
	@Test
	void aDeclaredLengthOverTheCapIsRefusedOnceAuthenticatedBeforeItsBodyIsRead() {
		long before = TopicProbe.endOffsetSum(this.bootstrapServers, Topics.IDENTITY_EVENTS.name());
		Map<String, String> headers = new LinkedHashMap<>(
				Map.of("Content-Type", "application/json", "Content-Length", Integer.toString(1024 * 1024)));
		assertThat(RawHttp.send(this.port, "POST", "/hooks/kratos/settings/password", headers, (String) null).status())
			.isEqualTo(401);
		headers.put("X-Webhook-Key", HookIngestTest.WEBHOOK_KEY);
		RawHttp.Response refused = RawHttp.send(this.port, "POST", "/hooks/kratos/settings/password", headers,
				(String) null);
		assertThat(refused.status()).isEqualTo(413);
		assertThat(refused.headers()).containsEntry("content-type", "application/problem+json");
		assertThat(TopicProbe.endOffsetSum(this.bootstrapServers, Topics.IDENTITY_EVENTS.name())).isEqualTo(before);
	}

	/**
	 * What the framework answered for the annotated controller, now answered by the
	 * functional endpoint itself: another method, a missing or unparseable content type
	 * and an empty body, on each of the three kinds of hook path.
	 */
	@Test
	void answersWrongMethodsTypesAndEmptyBodiesAsProblemsAndPublishesNothing() {
		long before = TopicProbe.endOffsetSum(this.bootstrapServers, Topics.IDENTITY_EVENTS.name());
		for (String path : List.of("/hooks/kratos/settings/password", "/hooks/kratos/recovery",
				"/api/kratos/hooks/password-changed")) {
			Map<String, String> key = new HashMap<>(Map.of("X-Webhook-Key", HookIngestTest.WEBHOOK_KEY));
			RawHttp.Response get = RawHttp.send(this.port, "GET", path, key);
			assertThat(get.status()).as(path).isEqualTo(405);
			assertThat(get.headers()).as(path).containsEntry("allow", "POST");
			assertThat(get.headers().get("content-type")).as(path).startsWith("application/problem+json");
			assertThat(RawHttp.send(this.port, "PUT", path, json(key), SETTINGS_PASSWORD).status()).as(path)
				.isEqualTo(405);
			for (String type : new String[] { null, "text/plain", "application/json;;=", "not a type",
					"application/problem+json" }) {
				Map<String, String> headers = new HashMap<>(key);
				headers.put("Content-Type", type);
				RawHttp.Response response = RawHttp.send(this.port, "POST", path, headers, SETTINGS_PASSWORD);
				assertThat(response.status()).as(path + " " + type).isEqualTo(415);
				assertThat(response.headers().get("content-type")).as(path + " " + type)
					.startsWith("application/problem+json");
			}
			RawHttp.Response empty = RawHttp.send(this.port, "POST", path, json(key), "");
			assertThat(empty.status()).as(path).isEqualTo(400);
			assertThat(empty.body()).as(path).contains("malformed-body");
			assertThat(RawHttp
				.send(this.port, "POST", path, json(new HashMap<>(Map.of("Content-Type", "text/plain"))),
						SETTINGS_PASSWORD)
				.status()).as("no key, " + path).isEqualTo(401);
		}

		assertThat(TopicProbe.endOffsetSum(this.bootstrapServers, Topics.IDENTITY_EVENTS.name())).isEqualTo(before);
	}

	private static Map<String, String> json(Map<String, String> headers) {
		headers.put("Content-Type", "application/json; charset=utf-8");
		return headers;
	}

	@Test
	void requiresAPasswordChangeWithTheAdminKeyOnly() {
		String identity = UUID.randomUUID().toString();
		Instant passwordSetAt = Instant.parse("2026-01-10T07:00:00.123456Z");
		KratosForIngest.stub()
			.createIdentity(UUID.fromString(identity), Instant.parse("2025-12-01T00:00:00Z"), passwordSetAt);
		this.client.post()
			.uri("/admin/identities/{id}/password-change-required", identity)
			.header("X-Admin-Key", HookIngestTest.WEBHOOK_KEY)
			.exchange()
			.expectStatus()
			.isUnauthorized();

		String eventId = this.client.post()
			.uri("/admin/identities/{id}/password-change-required", identity)
			.header("X-Admin-Key", HookIngestTest.ADMIN_KEY)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"reason\":\"breach\"}")
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectBody(Accepted.class)
			.returnResult()
			.getResponseBody()
			.eventId()
			.toString();

		EventEnvelope event = decode(recordWithId(eventId));
		assertThat(event.data()).isInstanceOf(PasswordChangeRequired.class);
		assertThat(((PasswordChangeRequired) event.data()).reason()).isEqualTo("breach");
		// Kratos's own time of the password, which only a later password change in Kratos
		// beats
		assertThat(((PasswordChangeRequired) event.data()).passwordSetAt()).isEqualTo(passwordSetAt);
		assertThat(event.subject().toString()).isEqualTo(identity);
	}

	@Test
	void takesTheIdentitysCreationTimeWhenItHasNoPassword() {
		UUID identity = UUID.randomUUID();
		KratosForIngest.stub().createIdentity(identity, Instant.parse("2026-02-01T09:30:00Z"), null);

		String eventId = adminRequire(identity.toString(), "no-password");

		assertThat(((PasswordChangeRequired) decode(recordWithId(eventId)).data()).passwordSetAt())
			.isEqualTo(Instant.parse("2026-02-01T09:30:00Z"));
	}

	@Test
	void refusesARequirementForAnIdentityKratosDoesNotKnowAndPublishesNothing() {
		long before = TopicProbe.endOffsetSum(this.bootstrapServers, Topics.IDENTITY_EVENTS.name());

		this.client.post()
			.uri("/admin/identities/{id}/password-change-required", UUID.randomUUID())
			.header("X-Admin-Key", HookIngestTest.ADMIN_KEY)
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://kratos-sync.dev/problems/unknown-identity");

		assertThat(TopicProbe.endOffsetSum(this.bootstrapServers, Topics.IDENTITY_EVENTS.name())).isEqualTo(before);
	}

	@Test
	void answers503WhenKratosCannotTellThePasswordTime() {
		UUID identity = UUID.randomUUID();
		KratosForIngest.stub().createIdentity(identity);
		KratosForIngest.stub().failNext(1, 500, Duration.ZERO);
		long before = TopicProbe.endOffsetSum(this.bootstrapServers, Topics.IDENTITY_EVENTS.name());

		this.client.post()
			.uri("/admin/identities/{id}/password-change-required", identity)
			.header("X-Admin-Key", HookIngestTest.ADMIN_KEY)
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals("Retry-After", "5");

		assertThat(TopicProbe.endOffsetSum(this.bootstrapServers, Topics.IDENTITY_EVENTS.name())).isEqualTo(before);
	}

	@Test
	void countsAMalformedTriggerIdAndUsesTheDerivedIdInstead() {
		double before = this.meters.counter("kratos_sync_malformed_trigger_ids").count();
		String body = SETTINGS_PASSWORD.replace("2026-02-03T08:15:42.512Z", "2026-02-05T10:00:00Z");

		String first = eventIdOf(
				post("/hooks/kratos/settings/password", HookIngestTest.WEBHOOK_KEY, "not-a-uuid", body));
		String retried = eventIdOf(
				post("/hooks/kratos/settings/password", HookIngestTest.WEBHOOK_KEY, "x\u00e9", body));

		assertThat(retried).isEqualTo(first);
		assertThat(this.meters.counter("kratos_sync_malformed_trigger_ids").count()).isEqualTo(before + 2);
	}

	@Test
	void clampsAndCountsAWebhookTimeFarInTheFuture() {
		double before = this.meters.counter("kratos_sync_future_timestamps_clamped").count();
		String triggerId = UUID.randomUUID().toString();
		Instant sent = Instant.now();
		post("/hooks/kratos/settings/password", HookIngestTest.WEBHOOK_KEY, triggerId,
				SETTINGS_PASSWORD.replace("2026-02-03T08:15:42.512Z", sent.plus(Duration.ofDays(1)).toString()))
			.expectStatus()
			.isAccepted();

		PasswordChanged changed = (PasswordChanged) decode(recordWithId(triggerId)).data();
		// a Kratos a day fast: the time is bounded by the receipt plus the 60 s tolerance
		assertThat(changed.changedAt()).isBetween(sent, Instant.now().plusSeconds(60));
		assertThat(this.meters.counter("kratos_sync_future_timestamps_clamped").count()).isEqualTo(before + 1);
	}

	@Test
	void honoursTheIdempotencyKeyOfAdminRequests() {
		String identity = UUID.randomUUID().toString();
		String first = adminRequire(identity, "ticket-4711");
		String again = adminRequire(identity, "ticket-4711");
		String other = adminRequire(identity, "ticket-4712");

		assertThat(again).isEqualTo(first);
		assertThat(other).isNotEqualTo(first);
	}

	@Test
	void rejectsAnAdminRequestForAMalformedIdentityId() {
		this.client.post()
			.uri("/admin/identities/{id}/password-change-required", "42")
			.header("X-Admin-Key", HookIngestTest.ADMIN_KEY)
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.field")
			.isEqualTo("id");
	}

	@Test
	void acceptsHttpBasicAsKratosBasicAuthSendsIt() {
		String basic = Base64.getEncoder()
			.encodeToString(("kratos:" + HookIngestTest.BASIC_PASSWORD).getBytes(StandardCharsets.UTF_8));
		String wrong = Base64.getEncoder().encodeToString("kratos:nope".getBytes(StandardCharsets.UTF_8));

		this.client.post()
			.uri("/hooks/kratos/settings/password")
			.header("Authorization", "Basic " + basic)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(SETTINGS_PASSWORD)
			.exchange()
			.expectStatus()
			.isAccepted();
		this.client.post()
			.uri("/hooks/kratos/settings/password")
			.header("Authorization", "Basic " + wrong)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(SETTINGS_PASSWORD)
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void exposesNoConfigurationDump() {
		this.client.get().uri("/actuator/env").exchange().expectStatus().isNotFound();
		this.client.get().uri("/actuator/configprops").exchange().expectStatus().isNotFound();
	}

	private String adminRequire(String identity, String idempotencyKey) {
		KratosForIngest.stub().createIdentity(UUID.fromString(identity));
		return eventIdOf(this.client.post()
			.uri("/admin/identities/{id}/password-change-required", identity)
			.header("X-Admin-Key", HookIngestTest.ADMIN_KEY)
			.header("Idempotency-Key", idempotencyKey)
			.exchange());
	}

	private WebTestClient.ResponseSpec post(String path, String key, String triggerId, String body) {
		return this.client.post().uri(path).headers((h) -> {
			if (key != null) {
				h.set("X-Webhook-Key", key);
			}
			if (triggerId != null) {
				h.set("Ory-Webhook-Trigger-ID", triggerId);
			}
		}).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
	}

	private static String eventIdOf(WebTestClient.ResponseSpec response) {
		return response.expectStatus()
			.isAccepted()
			.expectBody(Accepted.class)
			.returnResult()
			.getResponseBody()
			.eventId()
			.toString();
	}

	private List<ConsumerRecord<byte[], byte[]>> records() {
		return TopicProbe.records(this.bootstrapServers, Topics.IDENTITY_EVENTS.name());
	}

	private ConsumerRecord<byte[], byte[]> recordWithId(String eventId) {
		List<ConsumerRecord<byte[], byte[]>> matching = records().stream()
			.filter((r) -> eventId.equals(header(r, "ce_id")))
			.toList();
		assertThat(matching).as("records with ce_id %s", eventId).hasSize(1);
		return matching.get(0);
	}

	private static EventEnvelope decode(ConsumerRecord<byte[], byte[]> record) {
		return Topics.IDENTITY_EVENTS.valueSerde()
			.deserializer()
			.deserialize(record.topic(), record.headers(), record.value());
	}

	static String header(ConsumerRecord<byte[], byte[]> record, String name) {
		var header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

}
