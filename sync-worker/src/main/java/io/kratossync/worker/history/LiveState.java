package io.kratossync.worker.history;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The application state the live consumer keeps: its schema, the offsets stored with it,
 * and the one way a command changes it, inside a lock that holds the live consumer back
 * for as long as the change takes.
 */
final class LiveState {

	/** The tables of application state that history decides. */
	static final List<String> STATE_TABLES = List.of("user_settings", "verified_addresses");

	/** Columns that say when a row was written, not what history says. */
	static final List<String> BOOKKEEPING = List.of("created_at", "updated_at");

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final String schema;

	LiveState(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.schema = this.jdbc.queryForObject("SELECT current_schema()", String.class);
	}

	String schema() {
		return this.schema;
	}

	JdbcTemplate jdbc() {
		return this.jdbc;
	}

	/**
	 * The next offset of each partition of the topic as stored with the state: where the
	 * live state ends. A partition without one was never applied (0).
	 * @param topic the topic
	 * @param topicId the topic's id now
	 * @param partitions its partitions
	 * @return the offsets
	 * @throws IllegalStateException when the offsets belong to another incarnation of the
	 * topic: the state was not made from this history
	 */
	Map<Integer, Long> storedOffsets(String topic, String topicId, List<Integer> partitions) {
		Map<Integer, Long> offsets = new HashMap<>();
		partitions.forEach((p) -> offsets.put(p, 0L));
		List<String> foreign = new ArrayList<>();
		this.jdbc.query(
				"SELECT partition_no, topic_id, next_offset FROM " + this.schema + ".consumer_offsets WHERE topic = ?",
				(rs) -> {
					if (!topicId.equals(rs.getString(2))) {
						foreign.add(rs.getInt(1) + " (topic id " + rs.getString(2) + ")");
					}
					offsets.put(rs.getInt(1), rs.getLong(3));
				}, topic);
		if (!foreign.isEmpty()) {
			throw new IllegalStateException("the offsets stored with the state belong to another topic " + topic
					+ " than the one there now (id " + topicId + "): partitions " + foreign
					+ "; the state was not made from this history");
		}
		return offsets;
	}

	/**
	 * The columns of a state table, in order.
	 * @param schema the schema
	 * @param table the table
	 * @return its columns
	 */
	List<String> columns(String schema, String table) {
		return this.jdbc.queryForList(
				"SELECT column_name FROM information_schema.columns"
						+ " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
				String.class, schema, table);
	}

	/**
	 * Runs {@code change} in one transaction that first takes the state tables and the
	 * stored offsets in {@code EXCLUSIVE} mode: readers go on, the live consumer's next
	 * transaction waits until this one ends, so the offsets read inside stay where the
	 * live state ends until the change commits.
	 * @param change the change
	 * @param <T> what it returns
	 * @return what it returned
	 */
	<T> T underLock(Supplier<T> change) {
		return this.transactions.execute((tx) -> {
			this.jdbc.execute("SET LOCAL lock_timeout = '30s'");
			this.jdbc.execute("LOCK TABLE " + this.schema + ".user_settings, " + this.schema + ".verified_addresses, "
					+ this.schema + ".consumer_offsets IN EXCLUSIVE MODE");
			return change.get();
		});
	}

	/**
	 * Makes the state of some identities (or of all) what the scratch schema holds.
	 * Inside {@link #underLock}. Rows keep their {@code created_at}.
	 * @param scratch the schema with the recomputed state
	 * @param identities the identities, or {@code null} for all
	 * @return how many rows were written or removed
	 */
	int copyFrom(String scratch, Collection<UUID> identities) {
		String[] ids = (identities != null) ? identities.stream().map(UUID::toString).toArray(String[]::new) : null;
		String only = (ids != null) ? " AND identity_id = ANY(?::uuid[])" : "";
		Object[] args = (ids != null) ? new Object[] { ids } : new Object[0];
		List<String> columns = columns(this.schema, "user_settings");
		List<String> updates = columns.stream()
			.filter((c) -> !c.equals("identity_id") && !c.equals("created_at"))
			.map((c) -> c + " = EXCLUDED." + c)
			.toList();
		int rows = this.jdbc.update("DELETE FROM " + this.schema + ".user_settings l WHERE NOT EXISTS (SELECT 1 FROM "
				+ scratch + ".user_settings r WHERE r.identity_id = l.identity_id)" + only, args);
		rows += this.jdbc.update("INSERT INTO " + this.schema + ".user_settings (" + String.join(", ", columns)
				+ ") SELECT " + String.join(", ", columns) + " FROM " + scratch + ".user_settings WHERE true" + only
				+ " ON CONFLICT (identity_id) DO UPDATE SET " + String.join(", ", updates), args);
		List<String> addressColumns = columns(this.schema, "verified_addresses");
		rows += this.jdbc.update("DELETE FROM " + this.schema + ".verified_addresses WHERE true" + only, args);
		rows += this.jdbc.update("INSERT INTO " + this.schema + ".verified_addresses ("
				+ String.join(", ", addressColumns) + ") SELECT " + String.join(", ", addressColumns) + " FROM "
				+ scratch + ".verified_addresses WHERE true" + only, args);
		return rows;
	}

	/**
	 * Keeps a copy of the live state tables in another schema, as {@code previous_
	 *
	<table>
	 * }.
	 * @param target the schema
	 */
	void saveCopyIn(String target) {
		for (String table : STATE_TABLES) {
			this.jdbc.execute("DROP TABLE IF EXISTS " + target + ".previous_" + table);
			this.jdbc
				.execute("CREATE TABLE " + target + ".previous_" + table + " AS TABLE " + this.schema + "." + table);
		}
	}

	boolean schemaExists(String schema) {
		return Boolean.TRUE.equals(this.jdbc.queryForObject(
				"SELECT EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = ?)", Boolean.class,
				schema));
	}

}
