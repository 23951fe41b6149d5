package io.kratossync.ingest.cdc;

import java.time.Instant;
import java.util.Map;

/**
 * One row change of a Kratos table, as Debezium decoded it from the write-ahead log:
 * column values are strings (uuid, text, jsonb as its canonical text), booleans, or
 * microseconds since the epoch (Kratos's {@code timestamp without time zone}, written in
 * UTC). Secret columns never get here: the token columns of {@code sessions} are dropped
 * and {@code identity_credentials.config} is replaced by a salted digest before Debezium
 * builds its record.
 *
 * @param table the table, e.g. {@code identities}
 * @param op what happened
 * @param before the row before (with {@code REPLICA IDENTITY FULL}), or {@code null}
 * @param after the row after, or {@code null} for a delete
 * @param lsn the log sequence number of the change: with table and key, its identity
 * @param committedAt when the transaction committed (the database's clock)
 */
record RowChange(String table, Op op, Map<String, Object> before, Map<String, Object> after, long lsn,
		Instant committedAt) {

	/** The kind of change. */
	enum Op {

		/** A snapshot read of an existing row. */
		READ,

		/** An insert. */
		CREATE,

		/** An update. */
		UPDATE,

		/** A delete. */
		DELETE;

		static Op of(String debezium) {
			return switch (debezium) {
				case "r" -> READ;
				case "c" -> CREATE;
				case "u" -> UPDATE;
				case "d" -> DELETE;
				default -> throw new IllegalArgumentException("unknown Debezium operation " + debezium);
			};
		}

	}

	/**
	 * @return the row as it is now (after), or as it was (before) for a delete
	 */
	Map<String, Object> row() {
		return (this.after != null) ? this.after : this.before;
	}

	/**
	 * @return the row's primary key ({@code id}), or {@code null}
	 */
	String id() {
		Map<String, Object> row = row();
		return (row != null) ? text(row, "id") : null;
	}

	/**
	 * @return the identity the row belongs to: {@code id} for {@code identities},
	 * {@code identity_id} otherwise; {@code null} when the image lacks it (a delete
	 * without {@code REPLICA IDENTITY FULL})
	 */
	String identityId() {
		Map<String, Object> row = row();
		if (row == null) {
			return null;
		}
		return "identities".equals(this.table) ? text(row, "id") : text(row, "identity_id");
	}

	static String text(Map<String, Object> image, String column) {
		Object value = (image != null) ? image.get(column) : null;
		return (value != null) ? value.toString() : null;
	}

	static Boolean bool(Map<String, Object> image, String column) {
		Object value = (image != null) ? image.get(column) : null;
		return (value instanceof Boolean b) ? b : null;
	}

	/**
	 * A {@code timestamp without time zone} column as an instant, taking its wall clock
	 * as UTC (Kratos writes UTC).
	 */
	static Instant time(Map<String, Object> image, String column) {
		Object value = (image != null) ? image.get(column) : null;
		if (value instanceof Long micros) {
			return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
		}
		return null;
	}

}
