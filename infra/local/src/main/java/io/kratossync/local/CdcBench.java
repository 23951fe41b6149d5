package io.kratossync.local;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change data capture stage: row changes per second from Kratos's WAL to records
 * Kafka acknowledged, beside the Debezium engine alone reading the same WAL into a
 * consumer that does nothing (the ratio, in one run), and the time from a Kratos commit
 * to its record on the topic at a steady rate.
 * <p>
 * A backlog of Kratos transactions (per identity: the identity's creation with address,
 * credential and identifier, a session, a deactivation: 5 row changes of the four tables
 * read, 3 events) is written while two replication slots hold the WAL; then the engine
 * alone drains one slot, and hook-ingest's source the other.
 */
final class CdcBench {

	private static final Logger log = LoggerFactory.getLogger(CdcBench.class);

	private static final String TOPIC = "kratos.identity-events.v1";

	private static final String PASSWORD_TYPE = "78c1b41d-8341-4507-aa60-aff1d4369670";

	private final int identities = Integer.parseInt(Machine.env("BENCH_CDC_IDENTITIES", "5000"));

	private final int steadyRate = Integer.parseInt(Machine.env("BENCH_CDC_RATE", "50"));

	private final int steadySeconds = Integer.parseInt(Machine.env("BENCH_CDC_SECONDS", "20"));

	private final Path home;

	private final String bootstrap;

	private final Map<String, Object> results;

	private final Function<Map<String, String>, ServiceProcess> ingest;

	private ServiceProcess source;

	private KafkaConsumer<byte[], byte[]> offsets;

	/**
	 * @param home where its database goes
	 * @param bootstrap the broker
	 * @param results where the figures go
	 * @param ingest starts hook-ingest with the given (change data capture) environment
	 * and waits until it is ready
	 */
	CdcBench(Path home, String bootstrap, Map<String, Object> results,
			Function<Map<String, String>, ServiceProcess> ingest) {
		this.home = home;
		this.bootstrap = bootstrap;
		this.results = results;
		this.ingest = ingest;
	}

	void run() throws Exception {
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
			.setDataDirectory(this.home.resolve("pg-kratos"))
			.setServerConfig("wal_level", "logical")
			// as a production Kratos database runs (embedded PostgreSQL turns it off): a
			// logical walsender sends only
			// WAL already flushed, so with it off a commit waits for the WAL writer's
			// next round (up to 200 ms)
			.setServerConfig("synchronous_commit", "on")
			.setServerConfig("max_replication_slots", "4")
			.setServerConfig("max_wal_senders", "4")
			.start()) {
			try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
				s.execute("CREATE DATABASE kratos");
			}
			String url = postgres.getJdbcUrl("postgres", "kratos");
			try (Connection c = postgres.getDatabase("postgres", "kratos").getConnection()) {
				KratosSchema.load(c);
				try (Statement s = c.createStatement()) {
					for (String table : List.of("identities", "identity_credentials", "identity_verifiable_addresses",
							"sessions")) {
						s.execute("ALTER TABLE " + table + " REPLICA IDENTITY FULL");
					}
					s.execute("CREATE PUBLICATION kratos_sync FOR TABLE identities, identity_credentials, "
							+ "identity_verifiable_addresses, sessions");
					s.execute("SELECT pg_create_logical_replication_slot('bench_sync', 'pgoutput')");
					s.execute("SELECT pg_create_logical_replication_slot('bench_engine_alone', 'pgoutput')");
				}
				long start = System.nanoTime();
				for (int i = 0; i < this.identities; i++) {
					writeIdentity(c, UUID.randomUUID(), null);
				}
				log.info("Wrote {} Kratos transactions ({} row changes read) in {} ms", 3 * this.identities,
						5 * this.identities, (System.nanoTime() - start) / 1_000_000);
			}
			long rows = 5L * this.identities;
			double alone = engineAlone(postgres, rows);
			double ours = source(url, rows);
			this.results.put("cdc: row changes/s from WAL, Debezium engine alone into a no-op consumer", round(alone));
			this.results.put("cdc: row changes/s from WAL to records Kafka acknowledged (hook-ingest)", round(ours));
			this.results.put("cdc: ratio to the engine alone", String.format("%.2f", ours / alone));
			steadyLag(postgres);
		}
		finally {
			if (this.offsets != null) {
				this.offsets.close();
			}
		}
	}

	/** The engine alone over the same backlog: rows seen per second, first to last. */
	private double engineAlone(EmbeddedPostgres postgres, long rows) throws Exception {
		Properties props = new Properties();
		props.setProperty("name", "bench-engine-alone");
		props.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
		props.setProperty("plugin.name", "pgoutput");
		props.setProperty("database.hostname", "localhost");
		props.setProperty("database.port", Integer.toString(postgres.getPort()));
		props.setProperty("database.dbname", "kratos");
		props.setProperty("database.user", "postgres");
		props.setProperty("database.password", "postgres");
		props.setProperty("topic.prefix", "kratos");
		props.setProperty("slot.name", "bench_engine_alone");
		props.setProperty("publication.name", "kratos_sync");
		props.setProperty("publication.autocreate.mode", "disabled");
		props.setProperty("table.include.list",
				"public.identities,public.identity_credentials,public.identity_verifiable_addresses,public.sessions");
		props.setProperty("snapshot.mode", "no_data");
		props.setProperty("provide.transaction.metadata", "true");
		props.setProperty("poll.interval.ms", "100");
		props.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
		AtomicLong seen = new AtomicLong();
		AtomicLong first = new AtomicLong();
		AtomicLong last = new AtomicLong();
		DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine
			.create(ChangeEventFormat.of(Connect.class))
			.using(props)
			.notifying((records, committer) -> {
				for (RecordChangeEvent<SourceRecord> record : records) {
					if (record.record().topic().startsWith("kratos.public.")) {
						first.compareAndSet(0, System.nanoTime());
						if (seen.incrementAndGet() == rows) {
							last.set(System.nanoTime());
						}
					}
					committer.markProcessed(record);
				}
				committer.markBatchFinished();
			})
			.build();
		ExecutorService executor = Executors.newSingleThreadExecutor();
		executor.execute(engine);
		long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
		while (last.get() == 0 && System.nanoTime() < deadline) {
			// a plain wait: the bench measures, it does not assert
			TimeUnit.MILLISECONDS.sleep(50);
		}
		engine.close();
		executor.shutdown();
		if (last.get() == 0) {
			throw new IllegalStateException("the engine alone saw " + seen.get() + " of " + rows + " row changes");
		}
		return rows / ((last.get() - first.get()) / 1e9);
	}

	/**
	 * hook-ingest's source over the same backlog: from its first record on the topic to
	 * the last one acknowledged.
	 */
	private double source(String url, long rows) throws Exception {
		long events = 3L * this.identities;
		long before = endOffsets();
		Map<String, String> env = new HashMap<>();
		env.put("CDC_ENABLED", "true");
		env.put("KRATOS_DATABASE_URL", url.replace("jdbc:postgresql://", "postgres://postgres:postgres@"));
		env.put("CDC_SLOT_NAME", "bench_sync");
		env.put("CDC_PUBLICATION_AUTOCREATE", "disabled");
		env.put("CDC_SET_REPLICA_IDENTITY", "false");
		this.source = this.ingest.apply(env);
		long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
		long first = 0;
		long done = 0;
		while (System.nanoTime() < deadline) {
			long now = endOffsets() - before;
			if (first == 0 && now > 0) {
				first = System.nanoTime();
			}
			if (now >= events) {
				done = System.nanoTime();
				break;
			}
			TimeUnit.MILLISECONDS.sleep(20);
		}
		if (done == 0) {
			throw new IllegalStateException("hook-ingest published " + (endOffsets() - before) + " of " + events);
		}
		return rows / ((done - first) / 1e9);
	}

	/**
	 * At a steady rate of deactivations, the time from each commit to its record on the
	 * topic, as a consumer sees it.
	 */
	private void steadyLag(EmbeddedPostgres postgres) throws Exception {
		Map<UUID, Long> committed = new ConcurrentHashMap<>();
		Histogram lag = new Histogram(3);
		java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean(true);
		Thread reader = new Thread(() -> read(committed, lag, reading), "cdc-lag-reader");
		Map<Double, Long> ackedBefore = lagBuckets();
		try (Connection c = postgres.getDatabase("postgres", "kratos").getConnection()) {
			reader.start();
			long interval = 1_000_000_000L / this.steadyRate;
			long next = System.nanoTime() + 2_000_000_000L;
			int total = this.steadyRate * this.steadySeconds;
			for (int i = 0; i < total; i++) {
				while (System.nanoTime() < next) {
					TimeUnit.MICROSECONDS.sleep(200);
				}
				writeIdentity(c, UUID.randomUUID(), committed);
				next += interval;
			}
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (lag.getTotalCount() < total && System.nanoTime() < deadline) {
				TimeUnit.MILLISECONDS.sleep(50);
			}
		}
		reading.set(false);
		reader.join();
		this.results.put(String
			.format("cdc: commit to Kafka's acknowledgement (hook-ingest's kratos_sync_cdc_lag) at %d transactions/s, "
					+ "p50 / p99 / p99.9 ms (bucket bounds)", this.steadyRate),
				Scrape.quantiles(ackedBefore, lagBuckets()));
		this.results.put(
				String.format("cdc: commit to record on the topic at %d transactions/s, p50 / p99 / max ms",
						this.steadyRate),
				String.format("%.1f / %.1f / %.1f", lag.getValueAtPercentile(50) / 1e3,
						lag.getValueAtPercentile(99) / 1e3, lag.getMaxValue() / 1e3));
	}

	private void read(Map<UUID, Long> committed, Histogram lag, java.util.concurrent.atomic.AtomicBoolean reading) {
		try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
			List<TopicPartition> partitions = consumer.partitionsFor(TOPIC)
				.stream()
				.map((p) -> new TopicPartition(TOPIC, p.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToEnd(partitions);
			while (reading.get()) {
				for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
					Long at = committed.remove(UUID.fromString(new String(record.key(), StandardCharsets.UTF_8)));
					if (at != null) {
						lag.recordValue(Math.max(0, (System.nanoTime() - at) / 1000));
					}
				}
			}
		}
	}

	/**
	 * One Kratos identity as Kratos writes it: the creation (one transaction), a session,
	 * a deactivation; {@code committed} learns when the creation committed.
	 */
	private static void writeIdentity(Connection c, UUID id, Map<UUID, Long> committed) throws SQLException {
		String now = "now() AT TIME ZONE 'utc'";
		c.setAutoCommit(false);
		try (PreparedStatement identity = c.prepareStatement(
				"INSERT INTO identities (id, nid, schema_id, traits, created_at, updated_at, state, state_changed_at,"
						+ " available_aal) SELECT ?, id, 'default', ?::jsonb, " + now + ", " + now + ", 'active', "
						+ now + ", 'aal1' FROM networks");
				PreparedStatement address = c.prepareStatement(
						"INSERT INTO identity_verifiable_addresses (id, status, via, verified, value, identity_id,"
								+ " created_at, updated_at, nid) SELECT ?, 'pending', 'email', false, ?, ?, " + now
								+ ", " + now + ", id FROM networks");
				PreparedStatement credential = c.prepareStatement(
						"INSERT INTO identity_credentials (id, config, identity_credential_type_id, identity_id,"
								+ " created_at, updated_at, nid, version) SELECT ?, ?::jsonb, ?::uuid, ?, " + now + ", "
								+ now + ", id, 0 FROM networks");
				PreparedStatement identifier = c.prepareStatement(
						"INSERT INTO identity_credential_identifiers (id, identifier, identity_credential_id,"
								+ " created_at, updated_at, nid, identity_credential_type_id) SELECT ?, ?, ?, " + now
								+ ", " + now + ", id, ?::uuid FROM networks")) {
			String email = id + "@example.com";
			identity.setObject(1, id);
			identity.setString(2, "{\"email\":\"" + email + "\"}");
			identity.executeUpdate();
			address.setObject(1, UUID.randomUUID());
			address.setString(2, email);
			address.setObject(3, id);
			address.executeUpdate();
			UUID credentialId = UUID.randomUUID();
			credential.setObject(1, credentialId);
			credential.setString(2, "{\"hashed_password\":\"$2a$12$" + UUID.randomUUID() + "\"}");
			credential.setString(3, PASSWORD_TYPE);
			credential.setObject(4, id);
			credential.executeUpdate();
			identifier.setObject(1, UUID.randomUUID());
			identifier.setString(2, email);
			identifier.setObject(3, credentialId);
			identifier.setString(4, PASSWORD_TYPE);
			identifier.executeUpdate();
			c.commit();
			if (committed != null) {
				committed.put(id, System.nanoTime());
			}
		}
		c.setAutoCommit(true);
		try (Statement s = c.createStatement()) {
			s.executeUpdate("INSERT INTO sessions (id, expires_at, authenticated_at, identity_id, created_at,"
					+ " updated_at, token, active, nid, logout_token, aal, authentication_methods) SELECT '"
					+ UUID.randomUUID() + "', " + now + " + interval '1 day', " + now + ", '" + id + "', " + now + ", "
					+ now + ", 'ory_st_" + UUID.randomUUID().toString().substring(0, 30) + "', true, id, NULL,"
					+ " 'aal1', '[{\"method\":\"password\"}]' FROM networks");
			s.executeUpdate("UPDATE identities SET state = 'inactive', state_changed_at = " + now + ", updated_at = "
					+ now + " WHERE id = '" + id + "'");
		}
	}

	/** hook-ingest's own histogram of the time from commit to acknowledgement. */
	private Map<Double, Long> lagBuckets() {
		return Scrape.buckets("http://127.0.0.1:" + this.source.managementPort() + "/actuator/prometheus",
				"kratos_sync_cdc_lag_seconds", "");
	}

	private long endOffsets() {
		if (this.offsets == null) {
			this.offsets = consumer();
		}
		List<TopicPartition> partitions = this.offsets.partitionsFor(TOPIC, Duration.ofSeconds(10))
			.stream()
			.map((p) -> new TopicPartition(TOPIC, p.partition()))
			.toList();
		return this.offsets.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
	}

	private KafkaConsumer<byte[], byte[]> consumer() {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("bootstrap.servers", this.bootstrap);
		config.put("enable.auto.commit", "false");
		return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
	}

	private static long round(double value) {
		return Math.round(value);
	}

}
