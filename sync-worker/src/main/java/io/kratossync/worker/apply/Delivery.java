package io.kratossync.worker.apply;

import io.kratossync.events.EventEnvelope;

import org.springframework.modulith.NamedInterface;

/**
 * An event as one record delivered it.
 *
 * @param event the event
 * @param source where the record was read
 * @param partitionEnd the end of its partition when it was read: a side effect it causes
 * waits until the partition has been applied up to here, so that catching up with history
 * never fires what a later record undoes
 */
@NamedInterface("api")
public record Delivery(EventEnvelope event, RecordPosition source, long partitionEnd) {
}
