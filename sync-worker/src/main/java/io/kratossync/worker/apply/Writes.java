package io.kratossync.worker.apply;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.modulith.NamedInterface;

/**
 * The writes of one poll, sent to PostgreSQL in JDBC batches inside the caller's
 * transaction: consecutive statements with the same SQL travel in one round trip and run
 * in the order they were added. Consecutive single-row upserts of the same form
 * ({@link #addRow}) travel as multi-row statements instead: one statement per run of
 * distinct keys, each row's outcome read from {@code RETURNING}, so that PostgreSQL plans
 * and executes one statement where a batch made it run one per row (the worker's largest
 * cost, README "Performance"); a key that comes again starts the next statement, so rows
 * of one key still run in the order they were added. A write whose outcome decides what
 * happens next, or a read, first calls {@link #flush}, so that every statement still sees
 * all the ones before it. Not thread-safe: one per batch.
 */
@NamedInterface("api")
public final class Writes {

	private final JdbcTemplate jdbc;

	private String sql;

	private final List<Object[]> args = new ArrayList<>();

	private final List<IntConsumer> onRows = new ArrayList<>();

	/** The form of the pending rows, when they were added with {@link #addRow}. */
	private Rows rows;

	private final List<Object> keys = new ArrayList<>();

	/**
	 * The most parameters in one statement (PostgreSQL's protocol allows 32 767 per
	 * statement).
	 */
	static final int MAX_PARAMETERS = 30_000;

	/**
	 * A single-row statement in three parts, {@code head + row + tail}, that may also be
	 * sent as {@code head + row, row, ... + tail RETURNING key}: an
	 * {@code INSERT ... VALUES (...) ON CONFLICT ...} whose rows are told apart by
	 * {@code key}.
	 *
	 * @param head up to and including {@code VALUES}
	 * @param row the placeholders of one row, {@code (?, ?, ...)}
	 * @param tail the rest, without {@code RETURNING}
	 * @param key the column that tells the rows apart (the conflict target)
	 */
	record Rows(String head, String row, String tail, String key) {

		String single() {
			return this.head + this.row + this.tail;
		}

		String multi(int count) {
			StringBuilder sql = new StringBuilder(
					this.head.length() + this.tail.length() + count * (this.row.length() + 2) + 32);
			sql.append(this.head);
			for (int i = 0; i < count; i++) {
				sql.append((i == 0) ? "" : ", ").append(this.row);
			}
			return sql.append(this.tail).append(" RETURNING ").append(this.key).toString();
		}

	}

	/**
	 * Writes through the given template (bound to the transaction of the thread).
	 * @param jdbc the template
	 */
	public Writes(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Adds a statement to the batch.
	 * @param sql the statement, with {@code ?} parameters
	 * @param args its parameters
	 * @param onRows told the number of rows the statement changed, once it has run
	 */
	void add(String sql, Object[] args, IntConsumer onRows) {
		if (this.sql != null && (this.rows != null || !this.sql.equals(sql))) {
			flush();
		}
		this.sql = sql;
		this.args.add(args);
		this.onRows.add(onRows);
	}

	/**
	 * Adds a single-row upsert that may travel with its like in one statement.
	 * @param rows the statement's form
	 * @param key the value of its key column in this row
	 * @param args its parameters
	 * @param onRows told 1 if the row was written, 0 if not, once it has run
	 */
	void addRow(Rows rows, Object key, Object[] args, IntConsumer onRows) {
		if (this.sql != null && !rows.equals(this.rows)) {
			flush();
		}
		if (this.sql == null) {
			this.sql = rows.single();
			this.rows = rows;
		}
		this.keys.add(key);
		this.args.add(args);
		this.onRows.add(onRows);
	}

	/**
	 * Runs a statement at once, after whatever is pending.
	 * @param sql the statement
	 * @param args its parameters
	 * @return the number of rows it changed
	 */
	int now(String sql, Object[] args) {
		flush();
		return this.jdbc.update(sql, args);
	}

	/**
	 * Sends what is pending and tells each statement's callback how many rows it changed.
	 */
	public void flush() {
		if (this.args.isEmpty()) {
			return;
		}
		int[] rows;
		if (this.args.size() == 1) {
			rows = new int[] { this.jdbc.update(this.sql, this.args.get(0)) };
		}
		else if (this.rows != null) {
			rows = multiRow();
		}
		else {
			rows = this.jdbc.batchUpdate(this.sql, this.args);
		}
		List<IntConsumer> callbacks = List.copyOf(this.onRows);
		this.sql = null;
		this.rows = null;
		this.keys.clear();
		this.args.clear();
		this.onRows.clear();
		for (int i = 0; i < rows.length; i++) {
			callbacks.get(i).accept(rows[i]);
		}
	}

	/**
	 * The pending rows in as few multi-row statements as keep each key once per statement
	 * (PostgreSQL refuses to update one row twice in one statement) and under
	 * {@link #MAX_PARAMETERS}.
	 * @return per row, 1 if it was written, else 0
	 */
	private int[] multiRow() {
		int[] written = new int[this.args.size()];
		int perRow = this.args.get(0).length;
		int from = 0;
		while (from < this.args.size()) {
			Set<Object> keys = new HashSet<>();
			int to = from;
			while (to < this.args.size() && (to - from + 1) * perRow <= MAX_PARAMETERS && keys.add(this.keys.get(to))) {
				to++;
			}
			Object[] parameters = new Object[(to - from) * perRow];
			for (int i = from; i < to; i++) {
				System.arraycopy(this.args.get(i), 0, parameters, (i - from) * perRow, perRow);
			}
			Set<Object> changed = new HashSet<>();
			this.jdbc.query(this.rows.multi(to - from), (rs) -> {
				changed.add(rs.getObject(1));
			}, parameters);
			for (int i = from; i < to; i++) {
				written[i] = changed.contains(this.keys.get(i)) ? 1 : 0;
			}
			from = to;
		}
		return written;
	}

}
