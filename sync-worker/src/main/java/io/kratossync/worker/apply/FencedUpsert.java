package io.kratossync.worker.apply;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * One upsert of {@code user_settings} in which every group of columns is fenced by a
 * timestamp column: a group is written only when the event's time beats the stored fence
 * (later for {@link #latest}, earlier for {@link #earliest}). Whatever order events
 * arrive in, and however often, the row ends as if they had been applied in time order.
 * The statement is built from the groups so that each handler states only what it sets.
 */
final class FencedUpsert {

	private static final Pattern COLUMN = Pattern.compile("[a-z_]+");

	/**
	 * The statements by shape, built once each: the handlers make a few dozen shapes, of
	 * column names in code, and building the text per event was a sixth of the worker's
	 * CPU in handling a batch.
	 */
	private static final Map<List<Shape>, Writes.Rows> STATEMENTS = new ConcurrentHashMap<>();

	private record Group(String fence, boolean latestWins, Instant at, Map<String, Object> columns) {
	}

	/** What a group contributes to the statement's text. */
	private record Shape(String fence, boolean latestWins, List<String> columns) {
	}

	private final UUID identityId;

	private final List<Group> groups = new ArrayList<>();

	private FencedUpsert(UUID identityId) {
		this.identityId = identityId;
	}

	static FencedUpsert of(UUID identityId) {
		return new FencedUpsert(identityId);
	}

	/**
	 * Columns set when {@code at} is later than the stored fence (or none is stored).
	 * @param fence the fence column
	 * @param at the time of the change
	 * @param columns the columns and their values ({@code null} values allowed)
	 * @return this
	 */
	FencedUpsert latest(String fence, Instant at, Map<String, Object> columns) {
		return add(new Group(fence, true, at, columns));
	}

	/**
	 * Columns set when {@code at} is earlier than the stored fence (or none is stored).
	 * @param fence the fence column
	 * @param at the time of the change
	 * @param columns the columns and their values
	 * @return this
	 */
	FencedUpsert earliest(String fence, Instant at, Map<String, Object> columns) {
		return add(new Group(fence, false, at, columns));
	}

	private FencedUpsert add(Group group) {
		this.groups.add(group);
		return this;
	}

	/**
	 * Adds the upsert to the batch of writes.
	 * @param writes the writes of the batch
	 * @param changed told, once it has run, whether any group was written (false: every
	 * group was stale)
	 */
	void addTo(Writes writes, Changed changed) {
		List<Object> args = new ArrayList<>();
		writes.addRow(statement(args), this.identityId, args.toArray(), (rows) -> changed.changed(rows > 0));
	}

	/**
	 * Runs the upsert at once, after the writes pending in the batch.
	 * @param writes the writes of the batch
	 * @return whether any group was written (false: every group was stale)
	 */
	boolean executeNow(Writes writes) {
		List<Object> args = new ArrayList<>();
		return writes.now(statement(args).single(), args.toArray()) > 0;
	}

	/**
	 * The statement, its parameters added to {@code args} in order. When the row exists
	 * and every group is stale, or the row is the tombstone of a deleted identity, the
	 * {@code WHERE} of the update leaves it alone and the statement changes no row.
	 */
	private Writes.Rows statement(List<Object> args) {
		List<Shape> shape = new ArrayList<>(this.groups.size());
		args.add(this.identityId);
		for (Group group : this.groups) {
			shape.add(new Shape(group.fence(), group.latestWins(), List.copyOf(group.columns().keySet())));
			args.add(OffsetDateTime.ofInstant(group.at(), ZoneOffset.UTC));
			args.addAll(group.columns().values());
		}
		return STATEMENTS.computeIfAbsent(shape, (key) -> build());
	}

	/**
	 * The statement of this upsert's shape: its groups' fences, directions and columns,
	 * in order (the parameters follow the same order).
	 */
	private Writes.Rows build() {
		List<String> columns = new ArrayList<>();
		columns.add("identity_id");
		List<String> sets = new ArrayList<>();
		List<String> wins = new ArrayList<>();
		for (Group group : this.groups) {
			check(group.fence());
			columns.add(group.fence());
			String win = "(s." + group.fence() + " IS NULL OR s." + group.fence() + (group.latestWins() ? " < " : " > ")
					+ "EXCLUDED." + group.fence() + ")";
			wins.add(win);
			for (String column : group.columns().keySet()) {
				check(column);
				columns.add(column);
				sets.add(set(column, win));
			}
			sets.add(set(group.fence(), win));
		}
		return new Writes.Rows("INSERT INTO user_settings AS s (" + String.join(", ", columns) + ") VALUES ",
				"(" + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")",
				" ON CONFLICT (identity_id) DO UPDATE SET " + String.join(", ", sets) + ", updated_at = now()"
						+ " WHERE s.deleted_at IS NULL AND (" + String.join(" OR ", wins) + ")",
				"identity_id");
	}

	/**
	 * A column set when its group wins. With a single group the {@code WHERE} of the
	 * update already demands that it wins, so the column is simply set.
	 */
	private String set(String column, String win) {
		if (this.groups.size() == 1) {
			return column + " = EXCLUDED." + column;
		}
		return column + " = CASE WHEN " + win + " THEN EXCLUDED." + column + " ELSE s." + column + " END";
	}

	private static void check(String column) {
		if (!COLUMN.matcher(column).matches()) {
			throw new IllegalArgumentException("not a column name: " + column);
		}
	}

}
