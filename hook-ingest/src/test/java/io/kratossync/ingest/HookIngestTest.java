package io.kratossync.ingest;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.kratossync.testing.TestKafka;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;

/**
 * hook-ingest on a random port with a real in-process Kafka broker (KRaft) and Kratos's
 * Admin API played by {@link KratosForIngest}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(KratosForIngest.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=" + HookIngestApplication.CONFIG_NAME,
				"kratos-sync.ingest.webhook-auth.api-keys=" + HookIngestTest.WEBHOOK_KEY + ","
						+ HookIngestTest.ROTATED_KEY,
				"kratos-sync.ingest.webhook-auth.basic-credentials=kratos:" + HookIngestTest.BASIC_PASSWORD,
				"kratos-sync.ingest.admin-auth.api-keys=" + HookIngestTest.ADMIN_KEY,
				"kratos-sync.ingest.metrics-auth.api-keys=" + HookIngestTest.METRICS_KEY, "management.server.port=0" })
@AutoConfigureWebTestClient
@TestKafka(bootstrapServersProperty = "spring.kafka.bootstrap-servers")
public @interface HookIngestTest {

	/** The webhook key the tests send. */
	String WEBHOOK_KEY = "test-webhook-key-0123456789";

	/** The admin key the tests send. */
	String ADMIN_KEY = "test-admin-key-9876543210";

	/** The second webhook key, as during a rotation. */
	String ROTATED_KEY = "rotated-webhook-key-0123456789";

	/** The password of Kratos's basic_auth (user {@code kratos}). */
	String BASIC_PASSWORD = "basic-secret-0123456789abcdef";

	/** The key of the metrics scraper. */
	String METRICS_KEY = "test-metrics-key-0123456789";

}
