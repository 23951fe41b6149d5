package io.kratossync.worker.consume;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

import io.kratossync.events.EventDecodingException;

import org.springframework.core.convert.ConversionException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Why a record failed, decided once for every failure of the listener.
 */
enum FailureKind {

	/** The record can never be applied (undecodable, missing header, unknown type, invalid data): dead-letter it. */
	POISON,

	/**
	 * The record is fine but something it needs is not (database down, connection lost, serialization failure,
	 * deadlock): retry with back-off for as long as it takes; never dead-letter.
	 */
	TRANSIENT,

	/** Anything else: a few attempts, then dead-letter, so one bad record cannot block its partition forever. */
	UNKNOWN;

	static FailureKind of(Throwable failure) {
		for (Throwable t = failure; t != null; t = (t.getCause() == t) ? null : t.getCause()) {
			if (t instanceof DeserializationException || t instanceof EventDecodingException
					|| t instanceof ConversionException) {
				return POISON;
			}
			if (t instanceof TransientDataAccessException || t instanceof DataAccessResourceFailureException
					|| t instanceof RecoverableDataAccessException || t instanceof CannotCreateTransactionException
					|| t instanceof TransactionSystemException || t instanceof SQLTransientException
					|| t instanceof SQLRecoverableException || t instanceof ConnectException) {
				return TRANSIENT;
			}
			if (t instanceof SQLException sql && transientState(sql.getSQLState())) {
				return TRANSIENT;
			}
		}
		return UNKNOWN;
	}

	/**
	 * SQLSTATE classes that say "try again": 08 connection exception, 40001 serialization failure, 40P01
	 * deadlock, 53 insufficient resources, 57P operator intervention (shutdown, restart).
	 */
	private static boolean transientState(String state) {
		return state != null && (state.startsWith("08") || state.equals("40001") || state.equals("40P01")
				|| state.startsWith("53") || state.startsWith("57P"));
	}

}
