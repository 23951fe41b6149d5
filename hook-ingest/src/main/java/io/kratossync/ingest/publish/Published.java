package io.kratossync.ingest.publish;

import io.kratossync.events.EventEnvelope;

import org.springframework.modulith.NamedInterface;

/**
 * An event that Kafka acknowledged.
 *
 * @param event the event
 * @param partition the partition it was written to
 * @param offset its offset there
 */
@NamedInterface("api")
public record Published(EventEnvelope event, int partition, long offset) {
}
