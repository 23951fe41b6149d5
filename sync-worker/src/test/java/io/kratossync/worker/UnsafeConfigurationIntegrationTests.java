package io.kratossync.worker;

import io.kratossync.support.Causes;
import io.kratossync.testing.Postgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Outside the local trial stack, sync-worker refuses to start with an example or short
 * read key, and says which setting is wrong.
 */
class UnsafeConfigurationIntegrationTests {

	@Test
	void refusesAnExampleReadKeyAndAShortMetricsKey() {
		Throwable failure = catchThrowable(() -> SyncWorkerApplication.application()
			.run("--server.port=0", "--management.server.port=0", "--spring.main.banner-mode=off",
					"--spring.kafka.bootstrap-servers=127.0.0.1:9", "--spring.kafka.admin.auto-create=false",
					"--spring.kafka.listener.auto-startup=false", "--spring.datasource.url=" + Postgres.freshDatabase(),
					"--spring.datasource.username=postgres", "--spring.datasource.password=postgres",
					"--kratos-sync.worker.read-auth.api-keys=change-me-read-key",
					"--kratos-sync.worker.metrics-auth.api-keys=metrics")
			.close());

		assertThat(failure).isNotNull();
		assertThat(Causes.root(failure).getMessage())
			.contains("READ_API_KEYS / READ_BASIC_CREDENTIALS (value 1) is an example value shipped with kratos-sync",
					"METRICS_API_KEYS / METRICS_BASIC_CREDENTIALS (value 1) has 7 characters; at least 24 are needed")
			.doesNotContain("change-me-read-key");
	}

}
