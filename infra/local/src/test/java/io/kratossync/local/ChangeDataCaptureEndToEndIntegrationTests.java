package io.kratossync.local;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import io.kratossync.testing.Fixtures;
import io.kratossync.testing.KratosDatabase;
import io.kratossync.testing.RestartablePostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks and change data capture into one stream, applied by the worker: a change that
 * both report changes the state once; what Kratos never hooks (an administrator's
 * deactivation, a deletion) reaches the application, and a webhook that arrives after a
 * deletion does not bring the identity back.
 */
class ChangeDataCaptureEndToEndIntegrationTests {

	private static RestartablePostgres server;

	private static KratosDatabase kratos;

	private static RunningStack stack;

	@BeforeAll
	static void start() {
		server = RestartablePostgres.startLogical();
		kratos = KratosDatabase.create(server, "kratos");
		stack = RunningStack.start("--kratos-sync.cdc.enabled=true",
				"--kratos-sync.cdc.database-url=" + kratos.url() + "?user=postgres&password=postgres",
				"--kratos-sync.cdc.leader-poll=500ms");
		await().atMost(Duration.ofSeconds(60))
			.until(() -> "t".equals(stack.jdbc().sql("SELECT 't'").query(String.class).single()) && slotActive());
	}

	@AfterAll
	static void stop() {
		stack.close();
		server.close();
	}

	@Test
	void aPasswordChangeSeenByTheWebhookAndByCaptureChangesTheStateOnce() {
		KratosDatabase.Identity ada = kratos.createIdentity("ada@example.com", false);
		await().atMost(Duration.ofSeconds(30)).until(() -> stack.setting(ada.id(), "email") != null);
		kratos.changePassword(ada);
		Instant changedAt = identityUpdatedAt(ada.id());
		await().atMost(Duration.ofSeconds(30)).until(() -> stack.setting(ada.id(), "password_changed_at") != null);
		Object rowWrittenAt = stack.setting(ada.id(), "updated_at");

		// Kratos's settings hook for the same change, after capture delivered it
		assertThat(stack.post(stack.ingestUrl + "/hooks/kratos/settings/password",
				Map.of("X-Webhook-Key", RunningStack.WEBHOOK_KEY, "Ory-Webhook-Trigger-ID",
						UUID.randomUUID().toString()),
				"{\"identity\":{\"id\":\"" + ada.id() + "\",\"updated_at\":\"" + changedAt + "\"},\"flow\":{\"id\":\""
						+ UUID.randomUUID() + "\"}}")
			.statusCode()).isEqualTo(202);

		await().atMost(Duration.ofSeconds(30)).until(() -> inbox(ada.id(), "kratos.identity.password_changed") == 2);
		assertThat(((java.sql.Timestamp) stack.setting(ada.id(), "password_changed_at")).toInstant())
			.isEqualTo(changedAt);
		assertThat(stack.setting(ada.id(), "updated_at")).as("the second report changed nothing")
			.isEqualTo(rowWrittenAt);
	}

	@Test
	void anAdministratorsDeactivationReachesTheApplicationAndRevokesTheSessionsOnce() {
		KratosDatabase.Identity grace = kratos.createIdentity("grace@example.com", false);
		stack.kratos.createIdentity(grace.id());
		stack.kratos.createSession(grace.id());
		kratos.adminSetState(grace, "inactive");

		await().atMost(Duration.ofSeconds(30)).until(() -> "inactive".equals(stack.setting(grace.id(), "state")));
		await().atMost(Duration.ofSeconds(30)).until(() -> stack.kratos.revocationCalls(grace.id()).size() == 1);
		assertThat(stack.kratos.activeSessions(grace.id())).isZero();
	}

	@Test
	void aDeletedIdentityIsErasedAndALateLoginWebhookDoesNotBringItBack() {
		KratosDatabase.Identity alan = kratos.createIdentity("alan@example.com", false);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "alan@example.com".equals(stack.setting(alan.id(), "email")));
		kratos.adminDelete(alan.id());
		await().atMost(Duration.ofSeconds(30)).until(() -> stack.setting(alan.id(), "deleted_at") != null);

		String login = Fixtures.text("kratos/login-after.ctx.json")
			.replace("3a5293f1-f4d6-49f4-b34f-6da62c360604", alan.id().toString());
		assertThat(stack
			.post(stack.ingestUrl + "/hooks/kratos/login/password", Map.of("X-Webhook-Key", RunningStack.WEBHOOK_KEY,
					"Ory-Webhook-Trigger-ID", UUID.randomUUID().toString()), login)
			.statusCode()).isEqualTo(202);

		await().atMost(Duration.ofSeconds(30)).until(() -> inbox(alan.id(), "kratos.identity.logged_in") == 1);
		assertThat(stack.setting(alan.id(), "email")).isNull();
		assertThat(stack.setting(alan.id(), "last_login_at")).isNull();
		assertThat(stack
			.get(stack.workerUrl + "/api/identities/" + alan.id() + "/settings",
					Map.of("X-Read-Key", RunningStack.READ_KEY))
			.statusCode()).isEqualTo(404);
	}

	private static long inbox(UUID identity, String type) {
		return stack.jdbc()
			.sql("SELECT count(*) FROM processed_events WHERE identity_id = ? AND event_type = ?")
			.params(identity, type)
			.query(Long.class)
			.single();
	}

	private static Instant identityUpdatedAt(UUID identity) {
		return kratos.updatedAt(identity);
	}

	private static boolean slotActive() {
		return kratos.slotActive("kratos_sync");
	}

}
