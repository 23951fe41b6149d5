package io.kratossync.ingest.webhook;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import io.kratossync.testing.Fixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HookPointTests {

	@Test
	void derivesThePinnedEventIdForAWebhookWithoutTriggerId() {
		// the id a retry without Ory-Webhook-Trigger-ID gets must never change between
		// versions: a change would
		// turn every redelivery of an older webhook into a new event
		HookBody body = HookBody.parse(WebhookJson
			.read(Fixtures.text("kratos/settings-after-password.json").getBytes(StandardCharsets.UTF_8)));

		UUID id = HookPoint.of("settings", "password").orElseThrow().derivedEventId(body).orElseThrow();

		assertThat(id).isEqualTo(UUID.fromString("b8cff956-bd38-5117-a0d7-93b8eb45ed3e"));
	}

}
