package io.kratossync.worker.consume;

import java.util.List;

import io.kratossync.events.EventDecodingException;
import io.kratossync.events.EventEnvelope;
import io.kratossync.worker.inbox.IdempotentApplier;
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
 * Applies one poll's records in one database transaction, each record behind a savepoint: the inbox row and the
 * state change of every event still commit or roll back together, but the batch pays for one commit instead of
 * one per event. When a record fails, the records before it are committed and the failure is reported for that
 * record alone ({@link BatchListenerFailedException}), so the error handler commits their offsets and deals with
 * the failed record as it would in record mode (retry, or dead-letter). When the commit itself fails, nothing of
 * the batch is stored and the whole batch is reported failed from its first record.
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
		if (records.isEmpty()) {
			return;
		}
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
					this.applier.apply(record.value(),
							new RecordPosition(record.topic(), record.partition(), record.offset()));
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
		}
		catch (RuntimeException ex) {
			// no transaction (database down), or the commit failed: nothing of the batch is stored
			if (tx != null && !tx.isCompleted()) {
				try {
					this.transactions.rollback(tx);
				}
				catch (RuntimeException rollbackFailure) {
					ex.addSuppressed(rollbackFailure);
				}
			}
			throw new BatchListenerFailedException("the batch could not be stored: " + ex.getMessage(), ex,
					records.get(0));
		}
		if (failure != null) {
			throw new BatchListenerFailedException(failure.getMessage(), failure, records.get(failedAt));
		}
	}

	/** Why a record's value could not be decoded, as the deserializer left it in the record's headers. */
	private static RuntimeException decodingFailure(ConsumerRecord<?, ?> record) {
		RuntimeException decoding = SerializationUtils.getExceptionFromHeader(record,
				SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG);
		return (decoding != null) ? decoding : new EventDecodingException("record has no value");
	}

}
