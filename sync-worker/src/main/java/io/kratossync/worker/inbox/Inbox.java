package io.kratossync.worker.inbox;

import io.kratossync.events.EventEnvelope;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The inbox of processed event ids. Recording an event only makes sense inside the transaction that applies it,
 * so {@link #record} refuses to run without one.
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
	 * @return {@code true} the first time, {@code false} when the event was processed before (a duplicate)
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

}
