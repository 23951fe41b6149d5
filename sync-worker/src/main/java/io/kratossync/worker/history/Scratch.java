package io.kratossync.worker.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.kratossync.support.Causes;
import io.kratossync.worker.apply.Delivery;
import io.kratossync.worker.apply.EventHandler;
import io.kratossync.worker.apply.Recomputation;
import io.kratossync.worker.apply.RecordPosition;
import io.kratossync.worker.apply.Writes;
import io.kratossync.worker.consume.FailureKind;
import io.kratossync.worker.inbox.DuplicateDetection;
import org.flywaydb.core.Flyway;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A schema of its own (created by the worker's migrations) into which history is applied
 * with the live handlers, fences and an inbox of its own, on connections whose
 * {@code search_path} is that schema. Nothing it does touches the live tables, the inbox
 * or the outbox.
 * <p>
 * Partitions are independent (an identity's records are all in one), so they are applied
 * in lanes, each a connection and a thread of its own taking the records of some
 * partitions in order, while the reader goes on reading: {@link #apply} hands records
 * over, {@link #settle} waits until every lane has applied what it was given.
 */
final class Scratch implements AutoCloseable {

	private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

	/** Records applied in one transaction. */
	private static final int BATCH = 2000;

	/** Lanes: as many as the live worker's consumer threads by default. */
	static final int LANES = 3;

	/** Batches handed to a lane and not yet applied, at most: the reader waits beyond. */
	private static final int IN_FLIGHT = 4;

	private final String schema;

	private final DataSource live;

	private final List<Lane> lanes = new ArrayList<>();

	private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

	private final AtomicLong applied = new AtomicLong();

	private final AtomicReference<RuntimeException> broken = new AtomicReference<>();

	/** One connection and one thread, applying the batches of its partitions in order. */
	private final class Lane {

		final Connection connection;

		final JdbcTemplate jdbc;

		final TransactionTemplate transactions;

		final EventHandler handler;

		final ExecutorService thread;

		final Semaphore inFlight = new Semaphore(IN_FLIGHT);

		Lane(int number) throws SQLException {
			this.connection = Scratch.this.live.getConnection();
			try (Statement statement = this.connection.createStatement()) {
				statement.execute("SET search_path TO " + Scratch.this.schema);
			}
			SingleConnectionDataSource single = new SingleConnectionDataSource(this.connection, true);
			this.jdbc = new JdbcTemplate(single);
			this.transactions = new TransactionTemplate(new DataSourceTransactionManager(single));
			JdbcClient client = JdbcClient.create(single);
			this.handler = DuplicateDetection.over(client).around(Recomputation.withoutSideEffects(client));
			this.thread = Executors.newSingleThreadExecutor((task) -> {
				Thread thread = new Thread(task, "history-lane-" + number);
				thread.setDaemon(true);
				return thread;
			});
		}

		void submit(List<Delivery> deliveries) {
			try {
				this.inFlight.acquire();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted", ex);
			}
			this.thread.execute(() -> {
				try {
					if (Scratch.this.broken.get() == null) {
						applyInBatches(deliveries);
					}
				}
				catch (RuntimeException ex) {
					Scratch.this.broken.compareAndSet(null, ex);
				}
				finally {
					this.inFlight.release();
				}
			});
		}

		private void applyInBatches(List<Delivery> deliveries) {
			for (int i = 0; i < deliveries.size(); i += BATCH) {
				List<Delivery> batch = deliveries.subList(i, Math.min(deliveries.size(), i + BATCH));
				try {
					applyAll(batch);
				}
				catch (RuntimeException ex) {
					if (!isRecordFault(ex)) {
						throw ex;
					}
					for (Delivery delivery : batch) {
						try {
							applyAll(List.of(delivery));
						}
						catch (RuntimeException one) {
							if (!isRecordFault(one)) {
								throw one;
							}
							Scratch.this.failures.add(delivery.source().topic() + "-" + delivery.source().partition()
									+ "@" + delivery.source().offset() + " event " + delivery.event().id() + ": "
									+ Causes.describeRoot(one));
						}
					}
				}
			}
		}

		private void applyAll(List<Delivery> batch) {
			this.transactions.executeWithoutResult((tx) -> {
				Writes writes = new Writes(this.jdbc);
				this.handler.handleAll(batch, writes, (delivery, outcome) -> {
				});
				writes.flush();
			});
			Scratch.this.applied.addAndGet(batch.size());
		}

		void settle() {
			try {
				this.thread.submit(() -> {
				}).get();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted", ex);
			}
			catch (ExecutionException ex) {
				throw new IllegalStateException(ex.getCause());
			}
		}

		void close() {
			this.thread.shutdownNow();
			try (Statement statement = this.connection.createStatement()) {
				statement.execute("SET search_path TO DEFAULT");
			}
			catch (SQLException ex) {
				// the connection is closed below either way
			}
			try {
				this.connection.close();
			}
			catch (SQLException ex) {
				// nothing more to do
			}
		}

	}

	private Scratch(String schema, DataSource live, int lanes) throws SQLException {
		this.schema = schema;
		this.live = live;
		try {
			for (int i = 0; i < lanes; i++) {
				this.lanes.add(new Lane(i));
			}
		}
		catch (SQLException ex) {
			close();
			throw ex;
		}
	}

	/**
	 * Whether a failure is the record's, as the live consumer classifies it: a database
	 * error (unreachable, read-only, a lock timed out) says nothing of the record, the
	 * live consumer retries it without end, and the command fails rather than list good
	 * records as bad.
	 */
	private static boolean isRecordFault(Throwable failure) {
		return FailureKind.of(failure) != FailureKind.TRANSIENT;
	}

	/**
	 * Creates the schema with the worker's migrations.
	 * @param live the live database
	 * @param schema the schema's name (lower case letters, digits and {@code _})
	 * @return the scratch space
	 */
	static Scratch create(DataSource live, String schema) {
		checkName(schema);
		Flyway.configure()
			.dataSource(live)
			.schemas(schema)
			.createSchemas(true)
			.locations("classpath:db/migration")
			.load()
			.migrate();
		try {
			return new Scratch(schema, live, LANES);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot open a connection for schema " + schema + ": " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * @param schema a schema's name
	 * @throws IllegalArgumentException unless it is lower case letters, digits and
	 * {@code _}, at most 63 characters
	 */
	static void checkName(String schema) {
		if (!NAME.matcher(schema).matches()) {
			throw new IllegalArgumentException("not a schema name: '" + schema
					+ "' (lower case letters, digits and _, at most 63 characters, not starting with a digit)");
		}
	}

	String schema() {
		return this.schema;
	}

	/**
	 * @return how many records were applied (those handed over and not yet applied are
	 * not counted until {@link #settle})
	 */
	long applied() {
		return this.applied.get();
	}

	/**
	 * @return the records that could not be applied (as the live consumer dead-letters
	 * them), one line each
	 */
	List<String> failures() {
		return List.copyOf(this.failures);
	}

	/**
	 * Hands records over to be applied in delivery order within each partition, those of
	 * the given keys only ({@code null}: all). A batch that fails is applied again one
	 * record at a time; a record that fails alone is left out and listed, as the live
	 * consumer dead-letters it.
	 * @param reads the records
	 * @param keys the identity ids to apply, or {@code null} for all
	 */
	void apply(List<HistoryReader.Read> reads, Set<String> keys) {
		RuntimeException failure = this.broken.get();
		if (failure != null) {
			throw failure;
		}
		List<List<Delivery>> byLane = new ArrayList<>();
		this.lanes.forEach((lane) -> byLane.add(new ArrayList<>()));
		for (HistoryReader.Read read : reads) {
			if (keys != null && !keys.contains(read.key())) {
				continue;
			}
			if (read.event() == null) {
				this.failures.add(position(read) + ": unreadable (" + read.failure() + ")");
				continue;
			}
			RecordPosition source = new RecordPosition(read.record().topic(), read.record().partition(),
					read.record().offset());
			byLane.get(source.partition() % this.lanes.size())
				.add(new Delivery(read.event(), source, source.offset() + 1));
		}
		for (int i = 0; i < byLane.size(); i++) {
			if (!byLane.get(i).isEmpty()) {
				this.lanes.get(i).submit(byLane.get(i));
			}
		}
	}

	/**
	 * Waits until everything handed over is applied.
	 * @throws RuntimeException the failure that stopped a lane (the database's, not a
	 * record's)
	 */
	void settle() {
		this.lanes.forEach(Lane::settle);
		RuntimeException failure = this.broken.get();
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * Inside {@link LiveState#underLock}, where the live consumer waits: applies what the
	 * live consumer applied since the scratch state was computed, so that both end at the
	 * same offsets and the copy holds back nothing the consumer wrote meanwhile. Settles
	 * before and after.
	 * @param reader the history
	 * @param live the live state
	 * @param topicId the topic's id
	 * @param applied where the scratch state ends, by partition
	 * @param keys the identity ids to apply, or {@code null} for all
	 * @return how many records were read
	 */
	long catchUp(HistoryReader reader, LiveState live, String topicId, Map<Integer, Long> applied, Set<String> keys) {
		settle();
		Map<Integer, Long> now = live.storedOffsets(reader.topic(), topicId, List.copyOf(applied.keySet()));
		Map<Integer, Long> until = new HashMap<>();
		applied.forEach((p, offset) -> until.put(p, Math.max(offset, now.get(p))));
		long read = reader.read(applied, until, (batch) -> apply(batch, keys));
		settle();
		return read;
	}

	private static String position(HistoryReader.Read read) {
		return read.record().topic() + "-" + read.record().partition() + "@" + read.record().offset();
	}

	/** Drops the schema and everything in it. */
	void drop() {
		try (Connection connection = this.live.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("DROP SCHEMA IF EXISTS " + this.schema + " CASCADE");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot drop schema " + this.schema + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Stops the lanes and gives their connections back, with the search path they had.
	 */
	@Override
	public void close() {
		this.lanes.forEach(Lane::close);
	}

}
