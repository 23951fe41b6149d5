package io.kratossync.worker.inbox;

import io.kratossync.events.EventEnvelope;

/**
 * An event as one record delivered it.
 *
 * @param event the event
 * @param source where the record was read
 */
public record Delivery(EventEnvelope event, RecordPosition source) {
}
