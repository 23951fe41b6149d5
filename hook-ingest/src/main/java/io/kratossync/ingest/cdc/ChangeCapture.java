package io.kratossync.ingest.cdc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.embedded.Connect;
import io.kratossync.events.EventEnvelope;
import io.kratossync.events.Topics;
import io.kratossync.support.AcknowledgedSends;
import io.kratossync.support.Causes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Runs the Debezium engine on Kratos's database while this instance holds the reader's
 * lock, and publishes what {@link KratosChanges} makes of each Kratos transaction.
 * <p>
 * <b>One reader.</b> A replication slot serves one connection at a time. Each instance
 * tries a session-level advisory lock on Kratos's database ({@code pg_try_advisory_lock},
 * no grant needed) on a connection of its own; the holder reads, the others try again
 * every {@code leader-poll}. When the reader dies its connection closes, the lock is
 * free, and a standby takes over from the stored position. The reader checks its lock
 * connection as often and stops reading when it is gone (a database restart).
 * <p>
 * <b>Nothing lost, nothing doubled.</b> A record's position is marked processed only
 * after every event of its transaction was acknowledged by Kafka ({@code acks=all});
 * Debezium stores marked positions in the offset topic and only then confirms the LSN to
 * the slot. While Kafka is down, publishing is retried with back-off and nothing moves.
 * After a crash the transactions since the last stored position are read again and give
 * the same event ids, which the worker drops.
 */
class ChangeCapture implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ChangeCapture.class);

	/** What this instance is doing, for the health endpoint and the metric. */
	enum Role {

		/** Not started, or stopped. */
		STOPPED,

		/** Waiting for the reader's lock held by another instance. */
		STANDBY,

		/** Holding the lock and reading the slot. */
		READING,

		/** Kratos's database cannot be reached; trying again. */
		DISCONNECTED

	}

	private final CdcProperties properties;

	private final Properties engineConfig;

	private final KafkaTemplate<String, EventEnvelope> template;

	private final KratosChanges changes = new KratosChanges();

	private final String transactionTopic;

	private final AtomicReference<Role> role = new AtomicReference<>(Role.STOPPED);

	private final AtomicLong slotLagBytes = new AtomicLong(-1);

	private final Counter rowChanges;

	private final Counter transactions;

	private final Timer commitToAck;

	private final MeterRegistry meters;

	private final Map<String, Counter> published = new HashMap<>();

	/** Records not yet marked processed: the open transaction's, in order. */
	private final List<RecordChangeEvent<SourceRecord>> pending = new ArrayList<>();

	private final List<RowChange> openTransaction = new ArrayList<>();

	private volatile boolean running;

	private volatile Consumer<RowChange> observer = (change) -> {
	};

	private volatile Thread leader;

	private volatile String lastError;

	ChangeCapture(CdcProperties properties, Properties engineConfig, KafkaTemplate<String, EventEnvelope> template,
			MeterRegistry meters) {
		this.properties = properties;
		this.engineConfig = engineConfig;
		this.transactionTopic = DebeziumSettings.transactionTopic(engineConfig);
		this.template = template;
		this.meters = meters;
		this.rowChanges = Counter.builder("kratos_sync_cdc_row_changes")
			.description("Row changes read from Kratos's database")
			.register(meters);
		this.transactions = Counter.builder("kratos_sync_cdc_transactions")
			.description("Kratos transactions read and published")
			.register(meters);
		this.commitToAck = Timer.builder("kratos_sync_cdc_lag")
			.description("From the commit of a Kratos transaction to Kafka's acknowledgement of its events")
			.publishPercentileHistogram()
			.register(meters);
		Gauge.builder("kratos_sync_cdc_slot_lag_bytes", this.slotLagBytes, AtomicLong::get)
			.description("WAL the replication slot retains behind the server's current position (-1: not measured)")
			.register(meters);
		Gauge.builder("kratos_sync_cdc_reader", this.role, (r) -> (r.get() == Role.READING) ? 1 : 0)
			.description("1 while this instance reads the replication slot")
			.register(meters);
	}

	/**
	 * Shows every row change, as the mapping receives it, to the observer (tests prove
	 * with it what Debezium lets through).
	 * @param observer the observer
	 */
	void observe(Consumer<RowChange> observer) {
		this.observer = observer;
	}

	Role role() {
		return this.role.get();
	}

	String lastError() {
		return this.lastError;
	}

	@Override
	public void start() {
		this.running = true;
		Thread thread = new Thread(this::lead, "cdc-leader");
		thread.setDaemon(true);
		this.leader = thread;
		thread.start();
		log.info("Change data capture of {} (slot {}, publication {}): waiting to become the reader",
				this.properties.database(), this.properties.slotName(), this.properties.publicationName());
	}

	@Override
	public void stop() {
		this.running = false;
		Thread thread = this.leader;
		if (thread != null) {
			thread.interrupt();
			try {
				thread.join(TimeUnit.SECONDS.toMillis(30));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.role.set(Role.STOPPED);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stops before the Kafka producer does, so the last acknowledgements are waited for.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 100;
	}

	private void lead() {
		CdcProperties.Database db = this.properties.database();
		Duration retry = this.properties.leaderPoll();
		while (this.running) {
			try (Connection lock = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password().reveal())) {
				if (!tryLock(lock)) {
					if (this.role.getAndSet(Role.STANDBY) != Role.STANDBY) {
						log.info("Another instance reads slot {}; standing by", this.properties.slotName());
					}
					pause(retry);
					continue;
				}
				this.role.set(Role.READING);
				log.info("This instance now reads slot {} of {}", this.properties.slotName(), db);
				read(lock);
			}
			catch (SQLException ex) {
				this.lastError = Causes.describeRoot(ex);
				if (this.role.getAndSet(Role.DISCONNECTED) != Role.DISCONNECTED) {
					log.warn("Cannot reach Kratos's database {}: {}; trying again every {}", db, this.lastError, retry);
				}
				pause(retry);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private boolean tryLock(Connection lock) throws SQLException {
		try (PreparedStatement statement = lock
			.prepareStatement("SELECT pg_try_advisory_lock(hashtext('kratos-sync-cdc:' || ?))")) {
			statement.setString(1, this.properties.slotName());
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next() && rs.getBoolean(1);
			}
		}
	}

	/**
	 * Runs the engine until it stops, the lock connection fails, or this instance stops.
	 */
	private void read(Connection lock) throws InterruptedException {
		CompletableFuture<Throwable> finished = new CompletableFuture<>();
		this.pending.clear();
		this.openTransaction.clear();
		DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine
			.create(ChangeEventFormat.of(Connect.class))
			.using(this.engineConfig)
			.notifying(this::handleBatch)
			.using((success, message, error) -> finished
				.complete(success ? null : (error != null) ? error : new IllegalStateException(message)))
			.build();
		ExecutorService executor = Executors.newSingleThreadExecutor((r) -> new Thread(r, "cdc-engine"));
		executor.execute(engine);
		long nextLag = 0;
		try {
			while (this.running && !finished.isDone()) {
				if (System.nanoTime() - nextLag >= 0) {
					measureLag(lock);
					nextLag = System.nanoTime() + this.properties.lagPoll().toNanos();
				}
				if (!lock.isValid(5)) {
					log.warn("Lost the connection that holds the reader's lock; stopping to read until it is back");
					break;
				}
				try {
					finished.get(this.properties.leaderPoll().toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (TimeoutException ex) {
					// still reading
				}
				catch (ExecutionException ex) {
					break;
				}
			}
		}
		catch (SQLException ex) {
			log.warn("Lost the connection that holds the reader's lock: {}", Causes.describeRoot(ex));
		}
		finally {
			close(engine, executor);
			this.role.compareAndSet(Role.READING, Role.STANDBY);
		}
		Throwable error = finished.getNow(null);
		if (error != null && this.running) {
			this.lastError = Causes.describeRoot(error);
			log.warn("The change data capture engine stopped: {}; starting again in {}", this.lastError,
					this.properties.leaderPoll());
			pause(this.properties.leaderPoll());
		}
	}

	private void close(DebeziumEngine<?> engine, ExecutorService executor) {
		try {
			engine.close();
		}
		catch (Exception ex) {
			log.warn("Stopping the change data capture engine failed: {}", Causes.describeRoot(ex));
		}
		executor.shutdown();
		try {
			if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
				executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
	}

	private void measureLag(Connection lock) throws SQLException {
		try (PreparedStatement statement = lock.prepareStatement(
				"SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint FROM pg_replication_slots"
						+ " WHERE slot_name = ?")) {
			statement.setString(1, this.properties.slotName());
			try (ResultSet rs = statement.executeQuery()) {
				this.slotLagBytes.set(rs.next() ? rs.getLong(1) : -1);
			}
		}
	}

	/**
	 * Collects each Kratos transaction whole (it may span batches), maps the complete
	 * ones of the batch to events, publishes them all at once and marks their records
	 * processed only when Kafka acknowledged every one: the batch waits for one round
	 * trip, not one per transaction. The records of a transaction still open at the end
	 * of the batch wait for the next batch.
	 */
	private void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
			DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
		List<EventEnvelope> events = new ArrayList<>();
		List<Instant> commits = new ArrayList<>();
		List<RecordChangeEvent<SourceRecord>> complete = new ArrayList<>();
		for (RecordChangeEvent<SourceRecord> event : records) {
			SourceRecord record = event.record();
			this.pending.add(event);
			String topic = record.topic();
			if (topic.startsWith(DebeziumSettings.HEARTBEAT_PREFIX)) {
				if (this.openTransaction.isEmpty()) {
					complete.addAll(this.pending);
					this.pending.clear();
				}
			}
			else if (this.transactionTopic.equals(topic)) {
				Struct value = (Struct) record.value();
				if ("END".equals(value.getString("status"))) {
					if (!this.openTransaction.isEmpty()) {
						events.addAll(this.changes.map(this.openTransaction));
						commits.add(this.openTransaction.get(0).committedAt());
						this.openTransaction.clear();
					}
					complete.addAll(this.pending);
					this.pending.clear();
				}
			}
			else if (record.value() instanceof Struct value) {
				RowChange change = rowChange(value);
				this.observer.accept(change);
				this.openTransaction.add(change);
				this.rowChanges.increment();
			}
		}
		publish(events);
		Instant now = Instant.now();
		for (Instant committed : commits) {
			this.commitToAck.record(Duration.between(committed, now).abs());
		}
		this.transactions.increment(commits.size());
		for (RecordChangeEvent<SourceRecord> event : complete) {
			committer.markProcessed(event);
		}
		committer.markBatchFinished();
	}

	/**
	 * Publishes events in order, retrying from the first unacknowledged one (the events
	 * of one identity keep their order) until Kafka acknowledged all; only an interrupt
	 * (this instance stopping) ends it early, and then nothing of theirs is marked.
	 */
	private void publish(List<EventEnvelope> events) throws InterruptedException {
		AcknowledgedSends.inOrder(events,
				(event) -> this.template
					.send(new ProducerRecord<>(Topics.IDENTITY_EVENTS.name(), event.subject().toString(), event)),
				this.properties.publishTimeout(), () -> this.running, this::count,
				(unacknowledged, total, ex, wait) -> {
					this.lastError = Causes.describeRoot(ex);
					log.warn(
							"Kafka did not acknowledge event {} of {} read from Kratos's database ({}); the position "
									+ "stays before it, retrying in {} ms",
							unacknowledged, total, this.lastError, wait);
				});
	}

	private void count(EventEnvelope event) {
		this.published
			.computeIfAbsent(event.type().ceType(),
					(type) -> Counter.builder("kratos_sync_cdc_events")
						.description("Events made from Kratos's database and acknowledged by Kafka")
						.tag("type", type)
						.register(this.meters))
			.increment();
		log.debug("Published event {} type {} key {} from Kratos's database", event.id(), event.type().ceType(),
				event.subject());
	}

	private static RowChange rowChange(Struct value) {
		Struct source = value.getStruct("source");
		Object tsUs = source.schema().field("ts_us") != null ? source.get("ts_us") : null;
		Instant committed = (tsUs instanceof Long micros)
				? Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L)
				: Instant.ofEpochMilli(source.getInt64("ts_ms"));
		Object lsn = source.get("lsn");
		return new RowChange(source.getString("table"), RowChange.Op.of(value.getString("op")), image(value, "before"),
				image(value, "after"), (lsn instanceof Long l) ? l : 0L, committed);
	}

	private static Map<String, Object> image(Struct value, String name) {
		if (value.schema().field(name) == null) {
			return null;
		}
		Struct struct = value.getStruct(name);
		if (struct == null) {
			return null;
		}
		Map<String, Object> image = new HashMap<>();
		for (Field field : struct.schema().fields()) {
			image.put(field.name(), struct.get(field));
		}
		return image;
	}

	private void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

}
