package io.kratossync.ingest.cdc;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.Topics;
import io.kratossync.ingest.HookIngestApplication;
import io.kratossync.testing.KratosDatabase;
import io.kratossync.testing.TopicProbe;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * Starting hook-ingest with change data capture against a {@link KratosDatabase}, and
 * reading what it published.
 */
final class CdcTestSupport {

	static final String WEBHOOK_KEY = "cdc-test-webhook-key-0123456789";

	private CdcTestSupport() {
	}

	/**
	 * hook-ingest with change data capture of the given database; an argument of
	 * {@code extra} replaces the default of the same name.
	 */
	static ConfigurableApplicationContext ingest(String bootstrapServers, KratosDatabase kratos, String... extra) {
		Map<String, String> args = new LinkedHashMap<>();
		for (String arg : List.of("--server.port=0", "--management.server.port=0",
				"--spring.kafka.bootstrap-servers=" + bootstrapServers,
				"--kratos-sync.ingest.webhook-auth.api-keys=" + WEBHOOK_KEY,
				"--kratos-sync.ingest.admin-auth.api-keys=cdc-test-admin-key-0123456789",
				"--kratos-sync.ingest.metrics-auth.api-keys=cdc-test-metrics-key-0123456789",
				"--kratos-sync.ingest.kratos.admin-url=http://127.0.0.1:9", "--kratos-sync.cdc.enabled=true",
				"--kratos-sync.cdc.database-url=" + kratos.url() + "?user=postgres&password=postgres",
				"--kratos-sync.cdc.leader-poll=500ms", "--kratos-sync.cdc.heartbeat-interval=1s",
				"--kratos-sync.cdc.lag-poll=1s", "--logging.level.io.kratossync=debug",
				"--logging.level.io.debezium=info")) {
			args.put(arg.substring(0, arg.indexOf('=')), arg);
		}
		for (String arg : extra) {
			args.put(arg.substring(0, arg.indexOf('=')), arg);
		}
		return HookIngestApplication.application().run(args.values().toArray(String[]::new));
	}

	static ChangeCapture.Role role(ConfigurableApplicationContext context) {
		return context.getBean(ChangeCapture.class).role();
	}

	/** Waits until this context reads the slot and the slot streams. */
	static void awaitReading(ConfigurableApplicationContext context, KratosDatabase kratos) {
		await().atMost(Duration.ofSeconds(60))
			.until(() -> role(context) == ChangeCapture.Role.READING && slotActive(kratos));
	}

	static boolean slotActive(KratosDatabase kratos) {
		return kratos.slotActive("kratos_sync");
	}

	/** The events about the given identities now on the topic, in partition order. */
	static List<EventEnvelope> events(String bootstrapServers, Set<UUID> identities) {
		return TopicProbe.events(bootstrapServers, Topics.IDENTITY_EVENTS.name(), identities);
	}

	/** Every byte of every record of the topic (keys, values, headers) as text. */
	static String everything(String bootstrapServers) {
		StringBuilder text = new StringBuilder();
		for (ConsumerRecord<byte[], byte[]> record : TopicProbe.records(bootstrapServers,
				Topics.IDENTITY_EVENTS.name())) {
			text.append(new String(record.key(), StandardCharsets.UTF_8)).append(' ');
			text.append(new String(record.value(), StandardCharsets.UTF_8)).append(' ');
			for (Header header : record.headers()) {
				text.append(header.key()).append('=').append(new String(header.value(), StandardCharsets.UTF_8));
			}
			text.append('\n');
		}
		return text.toString();
	}

}
