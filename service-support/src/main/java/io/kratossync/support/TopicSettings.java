package io.kratossync.support;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The policy of the topics kratos-sync writes ({@code kratos-sync.topics.*}): what a
 * service creates when a topic is missing, and what it compares an existing topic with at
 * start-up.
 *
 * @param partitions partitions of each topic; a different count on an existing topic
 * stops the start, since adding partitions to a keyed topic moves identities to other
 * partitions and breaks their order
 * @param replicationFactor replicas of each partition when a topic is created (3:
 * survives a broker loss)
 * @param minInsyncReplicas {@code min.insync.replicas} when a topic is created (2: an
 * acknowledged write is on two brokers)
 * @param retentionMs {@code retention.ms} when a topic is created; -1 keeps everything
 * (the topic is the source of replay)
 * @param create whether a missing topic is created
 */
@ConfigurationProperties("kratos-sync.topics")
public record TopicSettings(@DefaultValue("6") int partitions, @DefaultValue("3") short replicationFactor,
		@DefaultValue("2") int minInsyncReplicas, @DefaultValue("-1") long retentionMs,
		@DefaultValue("true") boolean create) {

	public TopicSettings {
		if (partitions < 1 || replicationFactor < 1 || minInsyncReplicas < 1) {
			throw new IllegalArgumentException(
					"topic partitions, replication factor and min.insync.replicas must be " + "at least 1");
		}
		if (minInsyncReplicas > replicationFactor) {
			throw new IllegalArgumentException("TOPIC_MIN_INSYNC_REPLICAS (" + minInsyncReplicas + ") is more than "
					+ "TOPIC_REPLICATION_FACTOR (" + replicationFactor + "): no write could ever be acknowledged");
		}
	}

}
