package io.kratossync.worker.consume;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

import io.kratossync.events.EventDecodingException;
import io.kratossync.events.EventEnvelope;
import io.kratossync.support.Causes;
import io.kratossync.worker.inbox.Delivery;
import io.kratossync.worker.inbox.IdempotentApplier;
import io.kratossync.worker.inbox.IdempotentApplier.Outcome;
import io.kratossync.worker.inbox.RecordPosition;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.serializer.SerializationUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.DefaultTransactionDefinition;

/**
 * Applies one poll's records in one database transaction, in a few round trips: one statement records every
 * event id in the inbox, and the state changes of the new events go in JDBC batches. The inbox rows and the
 * state changes commit or roll back together, and the batch pays for one commit instead of one per event.
 * <p>
 * When that fails, nothing of it is stored and the batch is applied again one record at a time, each behind a
 * savepoint, to find the record at fault: the records before it are committed and the failure is reported for
 * that record alone ({@link BatchListenerFailedException}), so the error handler commits their offsets and deals
 * with the failed record as it would in record mode (retry, or dead-letter). When no transaction can be had or
 * the commit fails, the whole batch is reported failed from its first record.
 */
@Component
class BatchApplier {

	private static final LogAccessor LOG = new LogAccessor(BatchApplier.class);

	private final IdempotentApplier applier;

	private final PlatformTransactionManager transactions;

	BatchApplier(IdempotentApplier applier, PlatformTransactionManager transactions) {
		this.applier = applier;
		this.transactions = transactions;
	}

	void apply(List<ConsumerRecord<String, EventEnvelope>> records) {
		if (records.isEmpty() || (records.stream().allMatch((r) -> r.value() != null) && applyAtOnce(records))) {
			return;
		}
		applyOneByOne(records);
	}

	/** @return whether the batch was applied; {@code false}: nothing of it was stored */
	private boolean applyAtOnce(List<ConsumerRecord<String, EventEnvelope>> records) {
		List<Delivery> deliveries = new ArrayList<>(records.size());
		for (ConsumerRecord<String, EventEnvelope> record : records) {
			deliveries.add(new Delivery(record.value(), position(record)));
		}
		TransactionStatus tx = null;
		try {
			tx = this.transactions.getTransaction(new DefaultTransactionDefinition());
			Map<Outcome, Integer> outcomes = this.applier.applyAll(deliveries);
			this.transactions.commit(tx);
			LOG.info(() -> "Applied " + records.size() + " records of " + positions(records) + " in one transaction: "
					+ outcomes.getOrDefault(Outcome.APPLIED, 0) + " changed state, "
					+ outcomes.getOrDefault(Outcome.STALE, 0) + " stale (newer state stored), "
					+ outcomes.getOrDefault(Outcome.DUPLICATE, 0) + " duplicates skipped");
			return true;
		}
		catch (RuntimeException ex) {
			rollback(tx, ex);
			LOG.info(() -> "Could not apply " + records.size() + " records at once (" + Causes.describeRoot(ex)
					+ "); applying them one at a time to find the one at fault");
			return false;
		}
	}

	private void applyOneByOne(List<ConsumerRecord<String, EventEnvelope>> records) {
		int failedAt = -1;
		RuntimeException failure = null;
		TransactionStatus tx = null;
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
					this.applier.apply(record.value(), position(record));
					tx.releaseSavepoint(savepoint);
				}
				catch (RuntimeException ex) {
					tx.rollbackToSavepoint(savepoint);
					failure = ex;
					failedAt = i;
					break;
				}
			}
			this.transactions.commit(tx);
			int applied = (failedAt < 0) ? records.size() : failedAt;
			LOG.info(() -> "Applied " + applied + " of " + records.size() + " records of " + positions(records)
					+ " one at a time");
		}
		catch (RuntimeException ex) {
			// no transaction (database down), or the commit failed: nothing of the batch is stored
			rollback(tx, ex);
			throw new BatchListenerFailedException("the batch could not be stored: " + ex.getMessage(), ex,
					records.get(0));
		}
		if (failure != null) {
			throw new BatchListenerFailedException(failure.getMessage(), failure, records.get(failedAt));
		}
	}

	private static RecordPosition position(ConsumerRecord<?, ?> record) {
		return new RecordPosition(record.topic(), record.partition(), record.offset());
	}

	/** Where the records were read, e.g. {@code kratos.identity-events.v1-2@100..349}, one range per partition. */
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

	/** Rolls back what is left of the transaction, if anything, keeping the failure that made it necessary. */
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

	/** Why a record's value could not be decoded, as the deserializer left it in the record's headers. */
	private static RuntimeException decodingFailure(ConsumerRecord<?, ?> record) {
		RuntimeException decoding = SerializationUtils.getExceptionFromHeader(record,
				SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG);
		return (decoding != null) ? decoding : new EventDecodingException("record has no value");
	}

}
