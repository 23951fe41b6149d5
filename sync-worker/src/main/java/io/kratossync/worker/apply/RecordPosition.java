package io.kratossync.worker.apply;

/**
 * Where a record was read from.
 *
 * @param topic the topic
 * @param partition the partition
 * @param offset the offset
 */
public record RecordPosition(String topic, int partition, long offset) {
}
