package io.kratossync.worker;

import java.util.List;
import java.util.Map;

import io.kratossync.testing.RawHttp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Probes and metrics live on the management port only: the probes open to anyone there,
 * the metrics only to the metrics key; on the read API port neither is served.
 */
class ManagementPortIntegrationTests extends WorkerIntegrationTestSupport {

	@Test
	void probesAreOpenOnTheManagementPort() {
		assertThat(RawHttp.send(this.managementPort, "GET", "/actuator/health/liveness", Map.of()).status())
			.isEqualTo(200);
		assertThat(RawHttp.send(this.managementPort, "GET", "/actuator/health/readiness", Map.of()).status())
			.isEqualTo(200);
	}

	@Test
	void metricsNeedTheMetricsKey() {
		RawHttp.Response anonymous = RawHttp.send(this.managementPort, "GET", "/actuator/prometheus", Map.of());
		RawHttp.Response readKey = RawHttp.send(this.managementPort, "GET", "/actuator/prometheus",
				Map.of("Authorization", "Bearer " + READ_KEY));
		RawHttp.Response metricsKey = RawHttp.send(this.managementPort, "GET", "/actuator/prometheus",
				Map.of("Authorization", "Bearer " + METRICS_KEY));

		assertThat(anonymous.status()).isEqualTo(401);
		assertThat(readKey.status()).isEqualTo(401);
		assertThat(metricsKey.status()).isEqualTo(200);
		assertThat(metricsKey.body()).contains("kratos_sync_outbox_pending");
	}

	@Test
	void actuatorIsNotServedOnTheReadApiPort() {
		for (String path : new String[] { "/actuator/prometheus", "/actuator/health/readiness", "/actuator" }) {
			for (Map<String, String> credential : List.of(Map.<String, String>of(),
					Map.of("Authorization", "Bearer " + METRICS_KEY), Map.of("X-Read-Key", READ_KEY))) {
				RawHttp.Response response = RawHttp.send(this.port, "GET", path, credential);
				assertThat(response.status()).as(path).isEqualTo(404);
				assertThat(response.body()).doesNotContain("kratos_sync_outbox");
			}
		}
	}

}
