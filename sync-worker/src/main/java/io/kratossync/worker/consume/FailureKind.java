package io.kratossync.worker.consume;

import java.sql.SQLException;

import io.kratossync.events.EventDecodingException;

import org.springframework.core.convert.ConversionException;
import org.springframework.dao.DataAccessException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.modulith.NamedInterface;
import org.springframework.transaction.TransactionException;

/**
 * Why a record failed, decided once for every failure of the listener, from the whole
 * chain of causes. Commands that recompute state from history classify as the live
 * consumer does.
 */
@NamedInterface("api")
public enum FailureKind {

	/**
	 * The record can never be applied (undecodable, missing header, unknown type, invalid
	 * data): dead-letter it.
	 */
	POISON,

	/**
	 * The record is fine but the database is not: any database error, whatever its
	 * SQLSTATE (down, connection lost, read-only during a failover, serialization
	 * failure, deadlock, a constraint a migration will fix...). Retried with back-off for
	 * as long as it takes, never dead-lettered: the partition waits, nothing is skipped.
	 */
	TRANSIENT,

	/**
	 * Anything else (a bug): a few attempts, then dead-letter, so it cannot block its
	 * partition forever.
	 */
	UNKNOWN;

	public static FailureKind of(Throwable failure) {
		boolean database = false;
		for (Throwable t = failure; t != null; t = (t.getCause() == t) ? null : t.getCause()) {
			if (t instanceof DeserializationException || t instanceof EventDecodingException
					|| t instanceof ConversionException) {
				return POISON;
			}
			database |= t instanceof DataAccessException || t instanceof SQLException
					|| t instanceof TransactionException;
		}
		return database ? TRANSIENT : UNKNOWN;
	}

}
