package io.kratossync.worker.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.modulith.NamedInterface;

/**
 * The writes of one poll, sent to PostgreSQL in JDBC batches inside the caller's
 * transaction: consecutive statements with the same SQL travel in one round trip and run
 * in the order they were added. A write whose outcome decides what happens next, or a
 * read, first calls {@link #flush}, so that every statement still sees all the ones
 * before it. Not thread-safe: one per batch.
 */
@NamedInterface("api")
public final class Writes {

	private final JdbcTemplate jdbc;

	private String sql;

	private final List<Object[]> args = new ArrayList<>();

	private final List<IntConsumer> onRows = new ArrayList<>();

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
		if (this.sql != null && !this.sql.equals(sql)) {
			flush();
		}
		this.sql = sql;
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
		int[] rows = (this.args.size() == 1) ? new int[] { this.jdbc.update(this.sql, this.args.get(0)) }
				: this.jdbc.batchUpdate(this.sql, this.args);
		List<IntConsumer> callbacks = List.copyOf(this.onRows);
		this.sql = null;
		this.args.clear();
		this.onRows.clear();
		for (int i = 0; i < rows.length; i++) {
			callbacks.get(i).accept(rows[i]);
		}
	}

}
