package io.kratossync.worker.consume;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The next offset of each partition ({@code consumer_offsets}), written in the
 * transaction that applies the records before it, so that the state and the position that
 * produced it are one: a database restored from a backup resumes where its state ends,
 * and a fresh database from the beginning of the topic.
 */
@Component
public class OffsetStore {

	private static final Logger log = LoggerFactory.getLogger(OffsetStore.class);

	private final JdbcClient jdbc;

	private final TopicIds topicIds;

	OffsetStore(JdbcClient jdbc, TopicIds topicIds) {
		this.jdbc = jdbc;
		this.topicIds = topicIds;
	}

	/**
	 * Stores the next offsets, never moving one back (a worker that lost its partitions
	 * may still finish a poll).
	 * @param next the next offset of each partition
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void store(Map<TopicPartition, Long> next) {
		if (next.isEmpty()) {
			return;
		}
		int n = next.size();
		String[] topics = new String[n];
		int[] partitions = new int[n];
		String[] ids = new String[n];
		long[] offsets = new long[n];
		int i = 0;
		for (Map.Entry<TopicPartition, Long> entry : next.entrySet()) {
			topics[i] = entry.getKey().topic();
			partitions[i] = entry.getKey().partition();
			String id = this.topicIds.of(topics[i]);
			ids[i] = (id != null) ? id : "";
			offsets[i++] = entry.getValue();
		}
		// an unknown id ('') keeps the stored one; a new id (the topic was created again)
		// replaces the offset
		this.jdbc.sql("""
				INSERT INTO consumer_offsets AS o (topic, partition_no, topic_id, next_offset)
				SELECT * FROM unnest(?::text[], ?::integer[], ?::text[], ?::bigint[])
				ON CONFLICT (topic, partition_no) DO UPDATE
				   SET next_offset = CASE WHEN EXCLUDED.topic_id <> '' AND EXCLUDED.topic_id <> o.topic_id
				                          THEN EXCLUDED.next_offset
				                          ELSE GREATEST(o.next_offset, EXCLUDED.next_offset) END,
				       topic_id = CASE WHEN EXCLUDED.topic_id <> '' THEN EXCLUDED.topic_id ELSE o.topic_id END,
				       updated_at = now()""").params(topics, partitions, ids, offsets).update();
	}

	/**
	 * The stored next offsets of some partitions, of the topics as they are now: an
	 * offset stored for another topic id (the topic was deleted and created again, or
	 * this is another cluster) is left out, with a warning.
	 * @param partitions the partitions
	 * @return the offset of each one that has one
	 */
	public Map<TopicPartition, Long> load(Set<TopicPartition> partitions) {
		Map<TopicPartition, Long> stored = new HashMap<>();
		if (partitions.isEmpty()) {
			return stored;
		}
		List<String> keys = partitions.stream().map((tp) -> tp.topic() + "-" + tp.partition()).toList();
		this.jdbc
			.sql("SELECT topic, partition_no, topic_id, next_offset FROM consumer_offsets"
					+ " WHERE topic || '-' || partition_no IN (:keys)")
			.param("keys", keys)
			.query((rs, row) -> {
				TopicPartition partition = new TopicPartition(rs.getString(1), rs.getInt(2));
				String current = this.topicIds.of(partition.topic());
				if (current != null && !current.equals(rs.getString(3))) {
					log.warn("The offset stored for {} belongs to topic id {}, the topic now has id {} (deleted and "
							+ "created again, or another cluster): the stored offset is ignored, the inbox passes over "
							+ "what was applied before", partition, rs.getString(3), current);
					return null;
				}
				return stored.put(partition, rs.getLong(4));
			})
			.list();
		return stored;
	}

	/**
	 * Whether anything of a partition was ever applied to this database.
	 * @param partition the partition
	 * @return whether the inbox holds a record of it
	 */
	boolean everApplied(TopicPartition partition) {
		return this.jdbc
			.sql("SELECT EXISTS (SELECT 1 FROM processed_events WHERE source_topic = ? AND partition_no = ?)")
			.params(partition.topic(), partition.partition())
			.query(Boolean.class)
			.single();
	}

}
