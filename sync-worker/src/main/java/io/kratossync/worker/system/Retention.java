package io.kratossync.worker.system;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the tables bounded: processed event ids older than {@code INBOX_RETENTION} and
 * finished Kratos calls older than {@code OUTBOX_RETENTION} are removed, a bounded batch
 * per statement so that no delete holds locks for long. Several workers may run it at
 * once; they delete disjoint or already deleted rows.
 */
@Component
class Retention implements RetentionAccess {

	private static final Logger log = LoggerFactory.getLogger(Retention.class);

	private final JdbcClient jdbc;

	private final WorkerProperties.Retention settings;

	private final Counter inboxRemoved;

	private final Counter outboxRemoved;

	Retention(JdbcClient jdbc, WorkerProperties properties, MeterRegistry meters) {
		this.jdbc = jdbc;
		this.settings = properties.retention();
		this.inboxRemoved = Counter.builder("kratos_sync_retention_removed")
			.tag("table", "processed_events")
			.description("Rows removed for their age")
			.register(meters);
		this.outboxRemoved = Counter.builder("kratos_sync_retention_removed")
			.tag("table", "kratos_actions")
			.description("Rows removed for their age")
			.register(meters);
	}

	@Override
	@Scheduled(initialDelayString = "${kratos-sync.worker.retention.interval:10m}",
			fixedDelayString = "${kratos-sync.worker.retention.interval:10m}")
	public void prune() {
		try {
			long inbox = removeOlder("processed_events", "processed_at", this.settings.inbox(), "");
			long outbox = removeOlder("kratos_actions", "completed_at", this.settings.outbox(),
					" AND status <> 'pending'");
			this.inboxRemoved.increment(inbox);
			this.outboxRemoved.increment(outbox);
			if (inbox + outbox > 0) {
				log.info("Removed {} processed event ids older than {} and {} finished Kratos calls older than {}",
						inbox, this.settings.inbox(), outbox, this.settings.outbox());
			}
		}
		catch (RuntimeException ex) {
			log.warn("Could not remove old rows this time: {}", ex.getMessage());
		}
	}

	/** Removes rows older than the age, a batch at a time. */
	long removeOlder(String table, String column, Duration age, String condition) {
		long total = 0;
		int removed;
		do {
			removed = this.jdbc
				.sql("DELETE FROM " + table + " WHERE ctid IN (SELECT ctid FROM " + table + " WHERE " + column
						+ " < now() - make_interval(secs => ?)" + condition + " LIMIT ?)")
				.params((double) age.toSeconds(), this.settings.batchSize())
				.update();
			total += removed;
		}
		while (removed == this.settings.batchSize());
		return total;
	}

}
