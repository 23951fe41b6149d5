package io.kratossync.local;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bench stage that shows what a large inbox costs: the worker's own inbox statement
 * (one {@code INSERT ...
 * SELECT FROM unnest(...) ON CONFLICT DO NOTHING RETURNING} per poll of 500 events) timed
 * against an inbox of 0, 1 and 3 million processed events, with the table and its indexes
 * as the worker's migrations make them. The inbox is pruned by age
 * ({@code INBOX_RETENTION}); this says how large it may grow before that matters.
 */
final class InboxGrowth {

	private static final Logger log = LoggerFactory.getLogger(InboxGrowth.class);

	private static final int BATCH = 500;

	private static final int MEASURED = 40_000;

	private InboxGrowth() {
	}

	static Map<String, Object> measure(String jdbcUrl, List<Integer> sizes) throws SQLException {
		Map<String, Object> results = new LinkedHashMap<>();
		try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
				Statement ddl = connection.createStatement()) {
			// as V1 and V3 of the worker's migrations make it
			ddl.execute("""
					CREATE TABLE processed_events (event_id uuid PRIMARY KEY, event_type text NOT NULL,
					    identity_id uuid NOT NULL, source_topic text NOT NULL, partition_no integer NOT NULL,
					    record_offset bigint NOT NULL, processed_at timestamptz NOT NULL DEFAULT now())""");
			ddl.execute("CREATE INDEX processed_events_processed_at ON processed_events USING brin (processed_at)");
			long rows = 0;
			long offset = 0;
			for (int size : sizes) {
				log.info("Inbox growth: filling the inbox to {} rows", size);
				ddl.execute("INSERT INTO processed_events SELECT gen_random_uuid(), 'kratos.identity.logged_in', "
						+ "gen_random_uuid(), 'kratos.identity-events.v1', (i % 6)::int, i, now() FROM generate_series("
						+ (rows + 1) + ", " + size + ") AS i");
				ddl.execute("VACUUM ANALYZE processed_events");
				rows = size;
				long start = System.nanoTime();
				for (int i = 0; i < MEASURED / BATCH; i++) {
					offset = insertBatch(connection, offset);
				}
				double seconds = (System.nanoTime() - start) / 1e9;
				rows += MEASURED;
				results.put(
						String.format("inbox inserts/s with %,d processed events stored (polls of %d)", size, BATCH),
						Math.round(MEASURED / seconds));
			}
		}
		return results;
	}

	private static long insertBatch(Connection connection, long offset) throws SQLException {
		String[] ids = new String[BATCH];
		String[] types = new String[BATCH];
		String[] identities = new String[BATCH];
		String[] topics = new String[BATCH];
		Integer[] partitions = new Integer[BATCH];
		Long[] offsets = new Long[BATCH];
		for (int i = 0; i < BATCH; i++) {
			ids[i] = UUID.randomUUID().toString();
			types[i] = "kratos.identity.logged_in";
			identities[i] = UUID.randomUUID().toString();
			topics[i] = "kratos.identity-events.v1";
			partitions[i] = i % 6;
			offsets[i] = offset + i;
		}
		try (PreparedStatement insert = connection.prepareStatement(
				"""
						INSERT INTO processed_events (event_id, event_type, identity_id, source_topic, partition_no, record_offset)
						SELECT * FROM unnest(?::uuid[], ?::text[], ?::uuid[], ?::text[], ?::integer[], ?::bigint[])
						ON CONFLICT (event_id) DO NOTHING RETURNING event_id""")) {
			insert.setArray(1, array(connection, "text", ids));
			insert.setArray(2, array(connection, "text", types));
			insert.setArray(3, array(connection, "text", identities));
			insert.setArray(4, array(connection, "text", topics));
			insert.setArray(5, array(connection, "integer", partitions));
			insert.setArray(6, array(connection, "bigint", offsets));
			insert.executeQuery().close();
		}
		return offset + BATCH;
	}

	private static Array array(Connection connection, String type, Object[] values) throws SQLException {
		return connection.createArrayOf(type, values);
	}

}
