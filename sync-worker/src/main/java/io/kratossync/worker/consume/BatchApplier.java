package io.kratossync.worker.consume;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.kratossync.events.EventDecodingException;
import io.kratossync.events.EventEnvelope;
import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.support.Causes;
import io.kratossync.worker.apply.Delivery;
import io.kratossync.worker.apply.EventHandler;
import io.kratossync.worker.apply.Outcome;
import io.kratossync.worker.apply.RecordPosition;
import io.kratossync.worker.apply.Writes;
import io.kratossync.worker.inbox.DuplicateDetection;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.log.LogAccessor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.serializer.SerializationUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.DefaultTransactionDefinition;

/**
 * Applies one poll's records in one database transaction, in a few round trips: one
 * statement records every event id in the inbox, the state changes of the new events go
 * in JDBC batches, and the next offset of each partition is stored with them
 * ({@link OffsetStore}). State and position commit or roll back together.
 * <p>
 * Before anything is applied, each partition's records are checked against the offset
 * stored with the state: records below it were applied already and are passed over;
 * records beyond it mean the consumer stands past the state (a database restored from a
 * backup, a fresh database behind Kafka's committed offsets), so the partition is sought
 * back to where the state ends, or to the beginning of the topic for a partition this
 * database never applied.
 * <p>
 * When applying at once fails, nothing of it is stored and the batch is applied again one
 * record at a time, each behind a savepoint, to find the record at fault: the records
 * before it are committed (with their offsets) and the failure is reported for that
 * record alone ({@link BatchListenerFailedException}), so the error handler deals with it
 * as in record mode (retry, or dead-letter). When no transaction can be had or the commit
 * fails, the whole batch is reported failed from its first record.
 */
@Component
class BatchApplier {

	private static final LogAccessor LOG = new LogAccessor(BatchApplier.class);

	private static final Logger log = LoggerFactory.getLogger(BatchApplier.class);

	private final EventHandler handler;

	private final JdbcTemplate jdbc;

	private final PlatformTransactionManager transactions;

	private final OffsetStore offsets;

	private final OutcomeTally.Meters meters;

	private final ApplySummary summary = new ApplySummary();

	/**
	 * @param duplicates the inbox check, wrapped around the handler here: every event
	 * this consumer applies passes through it
	 * @param handler what the events do to the application state
	 */
	BatchApplier(DuplicateDetection duplicates, EventHandler handler, JdbcTemplate jdbc,
			PlatformTransactionManager transactions, OffsetStore offsets, MeterRegistry meters) {
		this.handler = duplicates.around(handler);
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.offsets = offsets;
		this.meters = new OutcomeTally.Meters(meters);
	}

	void apply(List<ConsumerRecord<String, EventEnvelope>> polled, Consumer<?, ?> consumer) {
		if (polled.isEmpty()) {
			return;
		}
		List<ConsumerRecord<String, EventEnvelope>> records;
		try {
			records = fromStoredPositions(polled, consumer);
		}
		catch (RuntimeException ex) {
			// the database cannot tell where the state ends: nothing is applied, the
			// first record is retried
			throw new BatchListenerFailedException("the stored offsets could not be read: " + ex.getMessage(), ex,
					polled.get(0));
		}
		if (records.isEmpty()) {
			return;
		}
		Map<TopicPartition, Long> ends = partitionEnds(records, consumer);
		if (records.stream().allMatch((r) -> r.value() != null) && applyAtOnce(records, ends)) {
			return;
		}
		applyOneByOne(records, ends);
	}

	/**
	 * The records that continue each partition from the offset stored with the state;
	 * seeks a partition that stands past the state back to where it ends.
	 */
	private List<ConsumerRecord<String, EventEnvelope>> fromStoredPositions(
			List<ConsumerRecord<String, EventEnvelope>> records, Consumer<?, ?> consumer) {
		Map<TopicPartition, Long> first = new LinkedHashMap<>();
		for (ConsumerRecord<?, ?> record : records) {
			first.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
		}
		Map<TopicPartition, Long> stored = this.offsets.load(first.keySet());
		Map<TopicPartition, Long> from = new HashMap<>();
		for (Map.Entry<TopicPartition, Long> entry : first.entrySet()) {
			TopicPartition partition = entry.getKey();
			long at = entry.getValue();
			Long next = stored.get(partition);
			if (next == null) {
				if (!this.offsets.everApplied(partition) && consumer != null) {
					long beginning = consumer.beginningOffsets(Set.of(partition)).getOrDefault(partition, 0L);
					if (at > beginning) {
						log.warn("Partition {} was never applied to this database, yet the consumer stands at {}: "
								+ "catching up from the beginning of the topic ({})", partition, at, beginning);
						consumer.seek(partition, beginning);
						from.put(partition, Long.MAX_VALUE);
						continue;
					}
				}
				from.put(partition, at);
			}
			else if (at > next && consumer != null) {
				log.warn(
						"Partition {}: the state in the database ends at offset {}, the consumer stands at {} (a "
								+ "restored backup?): applying the {} records in between again",
						partition, next, at, at - next);
				consumer.seek(partition, next);
				from.put(partition, Long.MAX_VALUE);
			}
			else {
				from.put(partition, next);
			}
		}
		List<ConsumerRecord<String, EventEnvelope>> kept = new ArrayList<>(records.size());
		for (ConsumerRecord<String, EventEnvelope> record : records) {
			if (record.offset() >= from.get(new TopicPartition(record.topic(), record.partition()))) {
				kept.add(record);
			}
		}
		if (kept.size() < records.size()) {
			LOG.debug(
					() -> "Passed over " + (records.size() - kept.size()) + " records already applied or sought back");
		}
		return kept;
	}

	/**
	 * The end of each partition that holds an event with a side effect (a requirement
	 * revokes sessions), asked of the broker: the side effect waits until the partition
	 * has been applied up to there. (The consumer's own lag does not do: it counts from
	 * what it has fetched ahead, not from what it has handed out.) Partitions without
	 * such an event, or whose end cannot be had, end after the batch.
	 */
	private static Map<TopicPartition, Long> partitionEnds(List<ConsumerRecord<String, EventEnvelope>> records,
			Consumer<?, ?> consumer) {
		Map<TopicPartition, Long> ends = new HashMap<>();
		Set<TopicPartition> withSideEffects = new HashSet<>();
		for (ConsumerRecord<String, EventEnvelope> record : records) {
			TopicPartition partition = new TopicPartition(record.topic(), record.partition());
			ends.merge(partition, record.offset() + 1, Math::max);
			if (record.value() != null && record.value().data() instanceof PasswordChangeRequired) {
				withSideEffects.add(partition);
			}
		}
		if (consumer != null && !withSideEffects.isEmpty()) {
			try {
				consumer.endOffsets(withSideEffects, Duration.ofSeconds(5))
					.forEach((partition, end) -> ends.merge(partition, end, Math::max));
			}
			catch (RuntimeException ex) {
				log.warn("Could not ask the broker where {} ends ({}); a revocation queued now runs once this poll is "
						+ "applied", withSideEffects, Causes.describeRoot(ex));
			}
		}
		return ends;
	}

	/**
	 * @return whether the batch was applied; {@code false}: nothing of it was stored
	 */
	private boolean applyAtOnce(List<ConsumerRecord<String, EventEnvelope>> records, Map<TopicPartition, Long> ends) {
		List<Delivery> deliveries = new ArrayList<>(records.size());
		for (ConsumerRecord<String, EventEnvelope> record : records) {
			deliveries.add(delivery(record, ends));
		}
		TransactionStatus tx = null;
		try {
			tx = this.transactions.getTransaction(new DefaultTransactionDefinition());
			OutcomeTally tally = new OutcomeTally();
			Writes writes = new Writes(this.jdbc);
			this.handler.handleAll(deliveries, writes, tally);
			writes.flush();
			this.offsets.store(nextOffsets(records, records.size()));
			this.transactions.commit(tx);
			tally.committed(this.meters);
			Map<Outcome, Integer> outcomes = tally.byOutcome();
			LOG.debug(() -> "Applied " + records.size() + " records of " + positions(records) + " in one transaction: "
					+ outcomes.getOrDefault(Outcome.APPLIED, 0) + " changed state, "
					+ outcomes.getOrDefault(Outcome.STALE, 0) + " stale (newer state stored), "
					+ outcomes.getOrDefault(Outcome.DUPLICATE, 0) + " duplicates skipped, "
					+ outcomes.getOrDefault(Outcome.IGNORED, 0) + " without application state");
			this.summary.applied(outcomes);
			return true;
		}
		catch (RuntimeException ex) {
			rollback(tx, ex);
			LOG.debug(() -> "Could not apply " + records.size() + " records at once (" + Causes.describeRoot(ex)
					+ "); applying them one at a time to find the one at fault");
			return false;
		}
	}

	private void applyOneByOne(List<ConsumerRecord<String, EventEnvelope>> records, Map<TopicPartition, Long> ends) {
		int failedAt = -1;
		RuntimeException failure = null;
		TransactionStatus tx = null;
		OutcomeTally tally = new OutcomeTally();
		try {
			tx = this.transactions.getTransaction(new DefaultTransactionDefinition());
			for (int i = 0; i < records.size(); i++) {
				ConsumerRecord<String, EventEnvelope> record = records.get(i);
				if (record.value() == null) {
					failure = decodingFailure(record);
					failedAt = i;
					break;
				}
				Object savepoint = tx.createSavepoint();
				try {
					OutcomeTally one = new OutcomeTally();
					Writes writes = new Writes(this.jdbc);
					this.handler.handle(delivery(record, ends), writes, one);
					writes.flush();
					tx.releaseSavepoint(savepoint);
					tally.add(one);
				}
				catch (RuntimeException ex) {
					tx.rollbackToSavepoint(savepoint);
					failure = ex;
					failedAt = i;
					break;
				}
			}
			int applied = (failedAt < 0) ? records.size() : failedAt;
			this.offsets.store(nextOffsets(records, applied));
			this.transactions.commit(tx);
			tally.committed(this.meters);
			this.summary.applied(tally.byOutcome());
			LOG.debug(() -> "Applied " + applied + " of " + records.size() + " records of " + positions(records)
					+ " one at a time");
		}
		catch (RuntimeException ex) {
			// no transaction (database down), or the commit failed: nothing of the batch
			// is stored
			rollback(tx, ex);
			throw new BatchListenerFailedException("the batch could not be stored: " + ex.getMessage(), ex,
					records.get(0));
		}
		if (failure != null) {
			throw new BatchListenerFailedException(failure.getMessage(), failure, records.get(failedAt));
		}
	}

	private static Delivery delivery(ConsumerRecord<String, EventEnvelope> record, Map<TopicPartition, Long> ends) {
		return new Delivery(record.value(), position(record),
				ends.getOrDefault(new TopicPartition(record.topic(), record.partition()), record.offset() + 1));
	}

	/** The next offset of each partition after the first {@code count} records. */
	private static Map<TopicPartition, Long> nextOffsets(List<ConsumerRecord<String, EventEnvelope>> records,
			int count) {
		return records.subList(0, count)
			.stream()
			.collect(Collectors.toMap((r) -> new TopicPartition(r.topic(), r.partition()), (r) -> r.offset() + 1,
					Math::max));
	}

	private static RecordPosition position(ConsumerRecord<?, ?> record) {
		return new RecordPosition(record.topic(), record.partition(), record.offset());
	}

	/**
	 * Where the records were read, e.g. {@code kratos.identity-events.v1-2@100..349}, one
	 * range per partition.
	 */
	private static String positions(List<ConsumerRecord<String, EventEnvelope>> records) {
		Map<String, long[]> ranges = new TreeMap<>();
		for (ConsumerRecord<?, ?> record : records) {
			long[] range = ranges.computeIfAbsent(record.topic() + "-" + record.partition(),
					(key) -> new long[] { record.offset(), record.offset() });
			range[0] = Math.min(range[0], record.offset());
			range[1] = Math.max(range[1], record.offset());
		}
		StringJoiner joined = new StringJoiner(", ");
		ranges.forEach((partition, range) -> joined.add(partition + "@" + range[0] + ".." + range[1]));
		return joined.toString();
	}

	/**
	 * Rolls back what is left of the transaction, if anything, keeping the failure that
	 * made it necessary.
	 */
	private void rollback(TransactionStatus tx, RuntimeException failure) {
		if (tx != null && !tx.isCompleted()) {
			try {
				this.transactions.rollback(tx);
			}
			catch (RuntimeException rollbackFailure) {
				failure.addSuppressed(rollbackFailure);
			}
		}
	}

	/**
	 * Why a record's value could not be decoded, as the deserializer left it in the
	 * record's headers.
	 */
	private static RuntimeException decodingFailure(ConsumerRecord<?, ?> record) {
		RuntimeException decoding = SerializationUtils.getExceptionFromHeader(record,
				SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG);
		return (decoding != null) ? decoding : new EventDecodingException("record has no value");
	}

}
