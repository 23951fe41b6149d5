package io.kratossync.worker.inbox;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.worker.apply.Delivery;
import io.kratossync.worker.apply.RecordPosition;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The inbox of processed event ids. Recording an event only makes sense inside the
 * transaction that applies it, so {@link #record} refuses to run without one.
 */
@Component
class Inbox {

	private final JdbcClient jdbc;

	Inbox(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Records the event as processed.
	 * @param event the event
	 * @param source where the record was read
	 * @return {@code true} the first time, {@code false} when the event was processed
	 * before (a duplicate)
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	boolean record(EventEnvelope event, RecordPosition source) {
		int inserted = this.jdbc
			.sql("""
					INSERT INTO processed_events (event_id, event_type, identity_id, source_topic, partition_no, record_offset)
					VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING""")
			.params(event.id(), event.type().ceType(), event.subject().value(), source.topic(), source.partition(),
					source.offset())
			.update();
		return inserted == 1;
	}

	/**
	 * Records the events of a batch as processed, in one statement.
	 * @param deliveries the events and where their records were read, in order
	 * @return the ids recorded now; an id missing from it was processed before (a
	 * duplicate). An id delivered twice in the batch is recorded once
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	Set<UUID> recordAll(List<Delivery> deliveries) {
		int n = deliveries.size();
		String[] ids = new String[n];
		String[] types = new String[n];
		String[] identities = new String[n];
		String[] topics = new String[n];
		int[] partitions = new int[n];
		long[] offsets = new long[n];
		for (int i = 0; i < n; i++) {
			EventEnvelope event = deliveries.get(i).event();
			RecordPosition source = deliveries.get(i).source();
			ids[i] = event.id().toString();
			types[i] = event.type().ceType();
			identities[i] = event.subject().value().toString();
			topics[i] = source.topic();
			partitions[i] = source.partition();
			offsets[i] = source.offset();
		}
		return new HashSet<>(this.jdbc
			.sql("""
					INSERT INTO processed_events (event_id, event_type, identity_id, source_topic, partition_no, record_offset)
					SELECT * FROM unnest(?::uuid[], ?::text[], ?::uuid[], ?::text[], ?::integer[], ?::bigint[])
					ON CONFLICT (event_id) DO NOTHING RETURNING event_id""")
			.params(ids, types, identities, topics, partitions, offsets)
			.query(UUID.class)
			.list());
	}

}
