package io.kratossync.worker.apply;

import org.springframework.modulith.NamedInterface;

/**
 * Where a record was read from.
 *
 * @param topic the topic
 * @param partition the partition
 * @param offset the offset
 */
@NamedInterface("api")
public record RecordPosition(String topic, int partition, long offset) {
}
