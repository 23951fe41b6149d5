/**
 * Change data capture of Kratos's own database (off unless {@code CDC_ENABLED=true}): the
 * Debezium embedded engine reads Kratos's write-ahead log through a replication slot
 * ({@code pgoutput}, a publication of four tables, secret columns dropped or digested
 * before any record exists), {@link io.kratossync.ingest.cdc.KratosChanges} turns each
 * Kratos transaction into identity events the way Kratos writes each operation, and they
 * are published to the same topic as the webhooks; offsets (in Kafka) move only past
 * acknowledged events. One instance reads at a time (a PostgreSQL advisory lock).
 */
@ApplicationModule(displayName = "Change data capture", allowedDependencies = {})
package io.kratossync.ingest.cdc;

import org.springframework.modulith.ApplicationModule;
