package io.kratossync.ingest.cdc;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The Debezium PostgreSQL connector's configuration, built from {@link CdcProperties}.
 * What reaches a record is decided here: four tables, the token columns of
 * {@code sessions} dropped, {@code identity_credentials.config} replaced by a salted
 * SHA-256 digest by {@link SecretDigestConverter}, transaction boundaries on, positions
 * in a Kafka topic.
 */
final class DebeziumSettings {

	/** The tables read, in the order {@code WRITES.md} describes them. */
	static final List<String> TABLES = List.of("identities", "identity_credentials", "identity_verifiable_addresses",
			"sessions");

	/** Columns that never enter a record: bearer secrets in clear text. */
	static final List<String> DROPPED_COLUMNS = List.of("sessions.token", "sessions.logout_token");

	/** Columns replaced by a salted digest before they enter a record. */
	static final List<String> DIGESTED_COLUMNS = List.of("identity_credentials.config");

	/** Debezium's topic name prefix of heartbeat records. */
	static final String HEARTBEAT_PREFIX = "__debezium-heartbeat";

	/**
	 * Debezium's topic of transaction boundaries, under the prefix of its topic names.
	 * @param engine the engine's settings
	 * @return the topic name (never created: nothing is sent there)
	 */
	static String transactionTopic(Properties engine) {
		return engine.getProperty("topic.prefix") + ".transaction";
	}

	private DebeziumSettings() {
	}

	static Properties of(CdcProperties cdc, Map<String, Object> kafkaClient, short replicationFactor) {
		CdcProperties.Database db = cdc.database();
		Properties props = new Properties();
		kafkaClient.forEach((key, value) -> props.setProperty(key, (value instanceof Collection<?> list)
				? list.stream().map(String::valueOf).collect(Collectors.joining(",")) : String.valueOf(value)));
		props.setProperty("name", "kratos-sync-cdc");
		props.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
		props.setProperty("plugin.name", "pgoutput");
		props.setProperty("database.hostname", db.host());
		props.setProperty("database.port", Integer.toString(db.port()));
		props.setProperty("database.dbname", db.name());
		props.setProperty("database.user", db.user());
		props.setProperty("database.password", db.password().reveal());
		props.setProperty("database.sslmode", db.sslMode());
		// the prefix is also the key of the stored position: one per slot, so that two
		// sources with slots of their
		// own (two Kratos databases, or a second slot beside the first) never read each
		// other's position
		props.setProperty("topic.prefix", cdc.slotName());
		props.setProperty("slot.name", cdc.slotName());
		props.setProperty("slot.drop.on.stop", "false");
		props.setProperty("publication.name", cdc.publicationName());
		props.setProperty("publication.autocreate.mode", cdc.publicationAutocreate().toLowerCase());
		props.setProperty("table.include.list", qualified(cdc, TABLES));
		props.setProperty("column.exclude.list", qualified(cdc, DROPPED_COLUMNS));
		props.setProperty("converters", "secrets");
		props.setProperty("secrets.type", SecretDigestConverter.class.getName());
		props.setProperty("secrets." + SecretDigestConverter.COLUMNS, qualified(cdc, DIGESTED_COLUMNS));
		if (cdc.setReplicaIdentity()) {
			props.setProperty("replica.identity.autoset.values",
					TABLES.stream().map((t) -> cdc.schema() + "." + t + ":FULL").collect(Collectors.joining(",")));
		}
		props.setProperty("provide.transaction.metadata", "true");
		props.setProperty("tombstones.on.delete", "false");
		props.setProperty("snapshot.mode", cdc.snapshotMode().toLowerCase());
		props.setProperty("heartbeat.interval.ms", Long.toString(cdc.heartbeatInterval().toMillis()));
		if (!cdc.heartbeatQuery().isBlank()) {
			props.setProperty("heartbeat.action.query", cdc.heartbeatQuery());
		}
		props.setProperty("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
		props.setProperty("offset.storage.topic", cdc.offsetTopic());
		props.setProperty("offset.storage.partitions", "1");
		props.setProperty("offset.storage.replication.factor", Short.toString(replicationFactor));
		props.setProperty("offset.flush.interval.ms", Long.toString(cdc.offsetFlushInterval().toMillis()));
		props.setProperty("offset.flush.timeout.ms", "5000");
		// the engine's own retries of a lost connection; the leader loop restarts it
		// after that
		props.setProperty("errors.max.retries", "3");
		props.setProperty("errors.retry.delay.initial.ms", "500");
		props.setProperty("errors.retry.delay.max.ms", "5000");
		// values as the mapping reads them: timestamps as microseconds, jsonb as text
		props.setProperty("time.precision.mode", "adaptive_time_microseconds");
		props.setProperty("include.unknown.datatypes", "false");
		// the engine hands over what it read every 100 ms (Debezium's default, 500 ms,
		// was most of the time from
		// commit to record)
		props.setProperty("poll.interval.ms", "10");
		props.setProperty("record.processing.order", "ORDERED");
		props.setProperty("record.processing.threads", "1");
		return props;
	}

	private static String qualified(CdcProperties cdc, List<String> names) {
		return names.stream().map((n) -> cdc.schema() + "." + n).collect(Collectors.joining(","));
	}

}
