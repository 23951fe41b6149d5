package io.kratossync.worker.apply;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One upsert of {@code user_settings} in which every group of columns is fenced by a timestamp column: a group
 * is written only when the event's time beats the stored fence (later for {@link #latest}, earlier for
 * {@link #earliest}). Whatever order events arrive in, and however often, the row ends as if they had been
 * applied in time order. The statement is built from the groups so that each handler states only what it sets.
 */
final class FencedUpsert {

	private static final Pattern COLUMN = Pattern.compile("[a-z_]+");

	private record Group(String fence, boolean latestWins, Instant at, Map<String, Object> columns) {
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
		check(group.fence());
		group.columns().keySet().forEach(FencedUpsert::check);
		this.groups.add(group);
		return this;
	}

	/**
	 * Runs the upsert.
	 * @param jdbc the client
	 * @return whether any group was written (false: every group was stale)
	 */
	boolean execute(JdbcClient jdbc) {
		Map<String, Object> values = new LinkedHashMap<>();
		values.put("identity_id", this.identityId);
		List<String> sets = new ArrayList<>();
		List<String> wins = new ArrayList<>();
		for (Group group : this.groups) {
			values.put(group.fence(), OffsetDateTime.ofInstant(group.at(), ZoneOffset.UTC));
			String win = "(s." + group.fence() + " IS NULL OR s." + group.fence() + (group.latestWins() ? " < " : " > ")
					+ "EXCLUDED." + group.fence() + ")";
			wins.add(win);
			for (Map.Entry<String, Object> column : group.columns().entrySet()) {
				values.put(column.getKey(), column.getValue());
				sets.add(column.getKey() + " = CASE WHEN " + win + " THEN EXCLUDED." + column.getKey() + " ELSE s."
						+ column.getKey() + " END");
			}
			sets.add(group.fence() + " = CASE WHEN " + win + " THEN EXCLUDED." + group.fence() + " ELSE s."
					+ group.fence() + " END");
		}
		String columns = String.join(", ", values.keySet());
		String params = ":" + String.join(", :", values.keySet());
		String sql = "INSERT INTO user_settings AS s (" + columns + ") VALUES (" + params + ")"
				+ " ON CONFLICT (identity_id) DO UPDATE SET " + String.join(", ", sets) + ", updated_at = now()"
				+ " WHERE " + String.join(" OR ", wins) + " RETURNING identity_id";
		return jdbc.sql(sql).params(values).query(UUID.class).optional().isPresent();
	}

	private static void check(String column) {
		if (!COLUMN.matcher(column).matches()) {
			throw new IllegalArgumentException("not a column name: " + column);
		}
	}

}
