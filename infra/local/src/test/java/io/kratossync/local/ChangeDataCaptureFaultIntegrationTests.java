package io.kratossync.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.Topics;
import io.kratossync.testing.KratosDatabase;
import io.kratossync.testing.RestartablePostgres;
import io.kratossync.testing.TopicProbe;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults of the change data capture source as whole processes: the reading instance
 * killed with SIGKILL mid-stream while a standby waits, and Kafka refusing to acknowledge
 * while Kratos writes. Every change Kratos committed arrives; a change read twice arrives
 * with the same event id, so the worker applies it once; the slot never confirms a change
 * whose event Kafka did not acknowledge.
 */
class ChangeDataCaptureFaultIntegrationTests {

	private static final Logger log = LoggerFactory.getLogger(ChangeDataCaptureFaultIntegrationTests.class);

	private static final Path REPOSITORY = Path.of("..", "..").toAbsolutePath().normalize();

	private KafkaBroker kafka;

	private RestartablePostgres server;

	private KratosDatabase kratos;

	private final List<ServiceProcess> processes = new ArrayList<>();

	@BeforeEach
	void start() throws IOException {
		this.kafka = new KafkaBroker(Files.createTempDirectory("kafka-cdc").resolve("data"), Machine.freePort(),
				Machine.freePort());
		this.kafka.start();
		this.server = RestartablePostgres.startLogical();
		this.kratos = KratosDatabase.create(this.server, "kratos");
	}

	@AfterEach
	void stop() {
		this.processes.forEach(ServiceProcess::close);
		this.kafka.close();
		this.server.close();
	}

	@Test
	void aReaderKilledMidStreamIsReplacedByTheStandbyAndEveryChangeArrivesOnce() throws Exception {
		ServiceProcess first = ingest("first");
		await().atMost(Duration.ofSeconds(60)).until(this::slotActive);
		ServiceProcess second = ingest("second");

		int identities = 300;
		List<UUID> ids = new ArrayList<>();
		AtomicBoolean writing = new AtomicBoolean(true);
		Thread writer = new Thread(() -> {
			for (int i = 0; i < identities; i++) {
				KratosDatabase.Identity identity = this.kratos.createIdentity("user" + i + "@example.com", false);
				synchronized (ids) {
					ids.add(identity.id());
				}
				this.kratos.adminSetState(identity, "inactive");
			}
			writing.set(false);
		}, "kratos-writes");
		writer.start();

		await().atMost(Duration.ofSeconds(60))
			.until(() -> TopicProbe.endOffsetSum(this.kafka.bootstrapServers(), Topics.IDENTITY_EVENTS.name()) >= 100);
		first.kill();
		long atKill = TopicProbe.endOffsetSum(this.kafka.bootstrapServers(), Topics.IDENTITY_EVENTS.name());
		log.info("Killed the reading instance (SIGKILL) after {} records; writes go on", atKill);
		await().atMost(Duration.ofSeconds(120)).until(() -> !writing.get());
		assertThat(atKill).as("killed mid-stream").isLessThan(2L * identities);

		await().atMost(Duration.ofSeconds(120)).until(() -> distinct(published(Set.copyOf(ids))) == 2 * identities);
		List<EventEnvelope> events = published(Set.copyOf(ids));
		Map<String, Set<UUID>> idsByChange = new HashMap<>();
		for (EventEnvelope event : events) {
			idsByChange.computeIfAbsent(event.subject() + " " + event.type().ceType(), (k) -> new HashSet<>())
				.add(event.id());
		}
		assertThat(idsByChange).hasSize(2 * identities);
		assertThat(idsByChange.values()).as("a change read twice has one event id")
			.allSatisfy((set) -> assertThat(set).hasSize(1));
		log.info("Reader killed: {} changes, {} records ({} read again after the takeover, same ids)", 2 * identities,
				events.size(), events.size() - 2 * identities);
		assertThat(second.isAlive()).isTrue();
	}

	/**
	 * Kafka refuses the events (the topic takes no record that large) while it still
	 * stores the source's positions: only the source's own rule, mark a change processed
	 * once its events are acknowledged, keeps the slot from moving past them.
	 */
	@Test
	void kafkaRefusingToAcknowledgeMovesNoPositionPastTheChangeAndLosesNone() throws Exception {
		// every record its own batch: the broker's refusal then reaches the source as
		// RecordTooLargeException; a batch
		// of several makes the producer split it, and a Kafka client bug can then end the
		// producer's I/O thread
		ServiceProcess source = ingest("source", Map.of("SPRING_KAFKA_PRODUCER_BATCH_SIZE", "1"));
		await().atMost(Duration.ofSeconds(60)).until(this::slotActive);
		Set<UUID> ids = new HashSet<>();
		for (int i = 0; i < 20; i++) {
			ids.add(this.kratos.createIdentity("before" + i + "@example.com", false).id());
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> distinct(published(ids)) == 20);

		refuseRecords(true);
		long beforeRefusal = lsn("pg_current_wal_lsn()");
		for (int i = 0; i < 20; i++) {
			ids.add(this.kratos.createIdentity("during" + i + "@example.com", false).id());
		}
		// however long Kafka refuses, the slot confirms nothing written since
		await().during(Duration.ofSeconds(12))
			.atMost(Duration.ofSeconds(15))
			.until(() -> lsn("confirmed_flush_lsn") <= beforeRefusal);
		assertThat(distinct(published(ids))).isEqualTo(20);
		log.info("Kafka refusing: slot confirmed up to {} (refusal began at {})", lsn("confirmed_flush_lsn"),
				beforeRefusal);

		refuseRecords(false);
		await().atMost(Duration.ofSeconds(120)).until(() -> distinct(published(ids)) == 40);
		assertThat(source.isAlive()).isTrue();
		await().atMost(Duration.ofSeconds(30)).until(() -> lsn("confirmed_flush_lsn") > beforeRefusal);
	}

	/** The topic takes no record larger than 64 bytes: every event is refused. */
	private void refuseRecords(boolean refuse) throws Exception {
		try (Admin admin = Admin.create(Map.of("bootstrap.servers", this.kafka.bootstrapServers()))) {
			admin.incrementalAlterConfigs(
					Map.of(new ConfigResource(ConfigResource.Type.TOPIC, Topics.IDENTITY_EVENTS.name()),
							List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", refuse ? "64" : "1048588"),
									AlterConfigOp.OpType.SET))))
				.all()
				.get();
		}
	}

	private ServiceProcess ingest(String name) throws IOException {
		return ingest(name, Map.of());
	}

	private ServiceProcess ingest(String name, Map<String, String> more) throws IOException {
		Map<String, String> env = new HashMap<>(more);
		env.put("HOOK_INGEST_PORT", Integer.toString(Machine.freePort()));
		env.put("KAFKA_BOOTSTRAP_SERVERS", this.kafka.bootstrapServers());
		env.put("TOPIC_PARTITIONS", "3");
		env.put("WEBHOOK_API_KEYS", RunningStack.WEBHOOK_KEY);
		env.put("ADMIN_API_KEYS", RunningStack.ADMIN_KEY);
		env.put("KRATOS_ADMIN_URL", "http://127.0.0.1:9");
		env.put("CDC_ENABLED", "true");
		env.put("KRATOS_DATABASE_URL",
				this.kratos.url().replace("jdbc:postgresql://", "postgres://postgres:postgres@"));
		env.put("CDC_LEADER_POLL", "500ms");
		env.put("CDC_HEARTBEAT_INTERVAL", "1s");
		ServiceProcess process = ServiceProcess.start("hook-ingest", ServiceProcess.jar(REPOSITORY, "hook-ingest"), env,
				"256m", (line) -> {
					if (line.contains("ChangeCapture") || line.contains("ERROR")) {
						log.info("[{}] {}", name, line);
					}
				});
		this.processes.add(process);
		process.awaitReady(Duration.ofSeconds(120));
		return process;
	}

	private boolean slotActive() {
		return this.kratos.slotActive("kratos_sync");
	}

	private long lsn(String expression) {
		return this.kratos.lsn(expression, "kratos_sync");
	}

	private List<EventEnvelope> published(Set<UUID> identities) {
		return TopicProbe.events(this.kafka.bootstrapServers(), Topics.IDENTITY_EVENTS.name(), identities);
	}

	private static long distinct(List<EventEnvelope> events) {
		return events.stream().map(EventEnvelope::id).distinct().count();
	}

}
