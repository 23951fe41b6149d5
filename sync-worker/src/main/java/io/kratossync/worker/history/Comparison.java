package io.kratossync.worker.history;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.springframework.modulith.NamedInterface;

/**
 * The live state beside the state recomputed from history, row by row and field by field
 * (the bookkeeping columns {@code created_at} and {@code updated_at} left out).
 *
 * @param rows how many rows were compared (the rows of either side)
 * @param identical how many of them are the same on both sides
 * @param identities how many identities have a difference
 * @param differences the first differences, at most {@link #LIMIT}
 * @param more how many differences are left out of the list
 */
@NamedInterface("api")
public record Comparison(long rows, long identical, long identities, List<Difference> differences, long more) {

	/** The most differences listed. */
	public static final int LIMIT = 1000;

	/**
	 * A field whose stored value is not what history says.
	 *
	 * @param identityId the identity
	 * @param table the table
	 * @param field the column ({@code address <a>} for a verified address, {@code (row)}
	 * for a row present on one side only)
	 * @param stored the live value, {@code null} when none
	 * @param recomputed the value history gives, {@code null} when none
	 */
	public record Difference(UUID identityId, String table, String field, String stored, String recomputed) {
	}

	/**
	 * @return whether the two sides are the same
	 */
	public boolean same() {
		return this.differences.isEmpty();
	}

	/**
	 * Compares the live schema's state tables with a scratch schema's.
	 * @param live the live state
	 * @param scratch the scratch schema
	 * @param identities the identities to compare, or {@code null} for all
	 * @return the comparison
	 */
	static Comparison of(LiveState live, String scratch, Collection<UUID> identities) {
		String[] ids = (identities != null) ? identities.stream().map(UUID::toString).toArray(String[]::new) : null;
		Object[] args = (ids != null) ? new Object[] { ids } : new Object[0];
		List<String> columns = new ArrayList<>(live.columns(live.schema(), "user_settings"));
		List<String> recomputedColumns = live.columns(scratch, "user_settings");
		if (!columns.equals(recomputedColumns)) {
			throw new IllegalStateException("the live schema " + live.schema() + " has other columns than the "
					+ "worker's migrations make (" + columns + " vs " + recomputedColumns
					+ "): run this command with the worker version that migrated the database");
		}
		columns.remove("identity_id");
		columns.removeAll(LiveState.BOOKKEEPING);
		Counter counter = new Counter();
		StringBuilder select = new StringBuilder(
				"SELECT coalesce(l.identity_id, r.identity_id), l.identity_id IS NULL," + " r.identity_id IS NULL");
		StringBuilder differs = new StringBuilder("l.identity_id IS NULL OR r.identity_id IS NULL");
		for (String column : columns) {
			select.append(", l.").append(column).append("::text, r.").append(column).append("::text");
			differs.append(" OR l.").append(column).append(" IS DISTINCT FROM r.").append(column);
		}
		String only = (ids != null) ? " WHERE coalesce(l.identity_id, r.identity_id) = ANY(?::uuid[])" : "";
		String from = " FROM " + live.schema() + ".user_settings l FULL JOIN " + scratch
				+ ".user_settings r ON l.identity_id = r.identity_id" + only;
		counter.rows += live.jdbc().queryForObject("SELECT count(*)" + from, Long.class, args);
		live.jdbc().query(select + from + ((ids != null) ? " AND (" : " WHERE (") + differs + ")", (rs) -> {
			UUID identity = rs.getObject(1, UUID.class);
			counter.differingRows++;
			if (rs.getBoolean(2)) {
				counter.add(new Difference(identity, "user_settings", "(row)", null, "present"));
				return;
			}
			if (rs.getBoolean(3)) {
				counter.add(new Difference(identity, "user_settings", "(row)", "present", null));
				return;
			}
			for (int i = 0; i < columns.size(); i++) {
				String stored = rs.getString(4 + 2 * i);
				String recomputed = rs.getString(5 + 2 * i);
				if ((stored == null) ? recomputed != null : !stored.equals(recomputed)) {
					counter.add(new Difference(identity, "user_settings", columns.get(i), stored, recomputed));
				}
			}
		}, args);
		String addressFrom = " FROM " + live.schema() + ".verified_addresses l FULL JOIN " + scratch
				+ ".verified_addresses r ON l.identity_id = r.identity_id AND l.address = r.address" + only;
		counter.rows += live.jdbc().queryForObject("SELECT count(*)" + addressFrom, Long.class, args);
		live.jdbc()
			.query("SELECT coalesce(l.identity_id, r.identity_id), coalesce(l.address, r.address), "
					+ "l.verified_at::text, r.verified_at::text" + addressFrom + ((ids != null) ? " AND " : " WHERE ")
					+ "l.verified_at IS DISTINCT FROM r.verified_at", (rs) -> {
						counter.differingRows++;
						counter.add(new Difference(rs.getObject(1, UUID.class), "verified_addresses",
								"address " + rs.getString(2), rs.getString(3), rs.getString(4)));
					}, args);
		return new Comparison(counter.rows, counter.rows - counter.differingRows, counter.identities.size(),
				List.copyOf(counter.listed), counter.more);
	}

	private static final class Counter {

		long rows;

		long differingRows;

		long more;

		final Set<UUID> identities = new HashSet<>();

		final List<Difference> listed = new ArrayList<>();

		void add(Difference difference) {
			this.identities.add(difference.identityId());
			if (this.listed.size() < LIMIT) {
				this.listed.add(difference);
			}
			else {
				this.more++;
			}
		}

	}

}
