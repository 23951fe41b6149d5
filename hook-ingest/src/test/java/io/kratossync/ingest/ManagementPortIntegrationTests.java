package io.kratossync.ingest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Probes and metrics live on the management port only: the probes open to anyone there,
 * the metrics only to the metrics key; on the webhook port neither is served.
 */
@HookIngestTest
class ManagementPortIntegrationTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@Value("${local.server.port}")
	int port;

	@Value("${local.management.port}")
	int managementPort;

	@Test
	void probesAreOpenOnTheManagementPort() throws Exception {
		assertThat(get(this.managementPort, "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
		assertThat(get(this.managementPort, "/actuator/health/readiness", null).statusCode()).isEqualTo(200);
	}

	@Test
	void metricsNeedTheMetricsKeyOnTheManagementPort() throws Exception {
		HttpResponse<String> anonymous = get(this.managementPort, "/actuator/prometheus", null);
		HttpResponse<String> webhookKey = get(this.managementPort, "/actuator/prometheus",
				"Bearer " + HookIngestTest.WEBHOOK_KEY);
		HttpResponse<String> metricsKey = get(this.managementPort, "/actuator/prometheus",
				"Bearer " + HookIngestTest.METRICS_KEY);

		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(anonymous.body()).doesNotContain("kratos_sync");
		assertThat(webhookKey.statusCode()).isEqualTo(401);
		assertThat(metricsKey.statusCode()).isEqualTo(200);
		assertThat(metricsKey.body()).contains("kratos_sync_publish_seconds");
	}

	@Test
	void actuatorIsNotServedOnTheWebhookPort() throws Exception {
		for (String path : new String[] { "/actuator/prometheus", "/actuator/health/liveness", "/actuator",
				"/actuator/env" }) {
			for (String authorization : new String[] { null, "Bearer " + HookIngestTest.METRICS_KEY,
					"Bearer " + HookIngestTest.WEBHOOK_KEY }) {
				HttpResponse<String> response = get(this.port, path, authorization);
				assertThat(response.statusCode()).as(path).isEqualTo(404);
				assertThat(response.body()).doesNotContain("kratos_sync_publish");
			}
		}
	}

	@Test
	void nothingButActuatorIsServedOnTheManagementPort() throws Exception {
		assertThat(get(this.managementPort, "/hooks/kratos/settings/password", null).statusCode()).isEqualTo(401);
		assertThat(get(this.managementPort, "/actuator/env", "Bearer " + HookIngestTest.METRICS_KEY).statusCode())
			.isEqualTo(404);
	}

	private HttpResponse<String> get(int port, String path, String authorization) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
