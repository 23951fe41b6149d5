package io.kratossync.worker.history;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.kratossync.events.Uuids;

import org.springframework.modulith.NamedInterface;

/**
 * Replays history for some identities: recomputes their state from the topic with the
 * live handlers and fences into a scratch schema, shows the difference to the stored
 * state, and (unless it is a dry run) makes the stored state what history says.
 * <p>
 * An identity's fenced fields can be set by any of its events, so its state is always
 * recomputed from its whole history, up to where the live state ends (the offsets stored
 * with it); {@code from} and {@code to} choose which identities are replayed (those with
 * a record in that window). It never writes the outbox and never calls Kratos. It runs
 * beside the live consumer: the write holds the consumer back, catches up with what the
 * consumer applied meanwhile, and commits the recomputed rows with that position.
 */
@NamedInterface("api")
public final class Replay {

	/**
	 * What to replay.
	 *
	 * @param from the start of the window ({@code null}: the beginning of the topic)
	 * @param to the end of the window ({@code null}: where the live state ends)
	 * @param identities the identities to replay, whatever the window (empty: those of
	 * the window)
	 * @param dryRun show the difference, change nothing
	 */
	public record Options(Instant from, Instant to, Set<UUID> identities, boolean dryRun) {
	}

	/**
	 * What a replay did.
	 *
	 * @param identities how many identities were replayed
	 * @param recordsRead how many records were read
	 * @param comparison the stored state beside history's, before the write
	 * @param written whether the stored state was changed
	 * @param rowsWritten how many rows were written or removed
	 * @param failures records that could not be applied (as the live consumer
	 * dead-letters them)
	 * @param took how long it took
	 */
	public record Result(int identities, long recordsRead, Comparison comparison, boolean written, int rowsWritten,
			List<String> failures, Duration took) {
	}

	private final HistorySources sources;

	private Runnable beforeWrite = () -> {
	};

	/**
	 * @param sources the database and the Kafka settings
	 */
	public Replay(HistorySources sources) {
		this.sources = sources;
	}

	/**
	 * Runs just before the write takes its lock (tests make the live consumer move on
	 * here).
	 */
	void beforeWrite(Runnable hook) {
		this.beforeWrite = hook;
	}

	/**
	 * Runs the replay.
	 * @param options what to replay
	 * @param progress told how it advances
	 * @return what it did
	 */
	public Result run(Options options, Progress progress) {
		long start = System.nanoTime();
		LiveState live = new LiveState(this.sources.dataSource());
		try (HistoryReader reader = new HistoryReader(this.sources.topic(), this.sources.consumer())) {
			List<Integer> partitions = reader.partitions();
			String topicId = reader.topicId();
			Map<Integer, Long> target = live.storedOffsets(reader.topic(), topicId, partitions);
			long[] read = { 0 };
			Set<UUID> identities = new HashSet<>(options.identities());
			if (identities.isEmpty()) {
				Map<Integer, Long> from = (options.from() != null) ? reader.at(partitions, options.from())
						: reader.beginning(partitions);
				Map<Integer, Long> to = min(target,
						(options.to() != null) ? reader.at(partitions, options.to()) : target);
				progress.phase("finding the identities of the window", span(from, to));
				read[0] += reader.read(from, to, (batch) -> {
					for (HistoryReader.Read record : batch) {
						UUID identity = identityOf(record);
						if (identity != null) {
							identities.add(identity);
						}
					}
					progress.advanced(batch.size());
				});
			}
			if (identities.isEmpty()) {
				return new Result(0, read[0], new Comparison(0, 0, 0, List.of(), 0), false, 0, List.of(),
						Duration.ofNanos(System.nanoTime() - start));
			}
			Set<String> keys = identities.stream().map(UUID::toString).collect(Collectors.toSet());
			List<Integer> involved = keys.stream()
				.map((key) -> HistoryReader.partitionOf(key, partitions.size()))
				.distinct()
				.sorted()
				.toList();
			Map<Integer, Long> upTo = new HashMap<>();
			involved.forEach((p) -> upTo.put(p, target.get(p)));
			String schema = "kratos_sync_replay_" + UUID.randomUUID().toString().substring(0, 8);
			try (Scratch scratch = Scratch.create(this.sources.dataSource(), schema)) {
				try {
					Map<Integer, Long> beginning = reader.beginning(involved);
					progress.phase("recomputing " + identities.size() + " identities", span(beginning, upTo));
					read[0] += reader.read(beginning, upTo, (batch) -> {
						scratch.apply(batch, keys);
						progress.advanced(batch.size());
					});
					scratch.settle();
					Comparison before = Comparison.of(live, schema, identities);
					if (options.dryRun() || before.same()) {
						return new Result(identities.size(), read[0], before, false, 0, scratch.failures(),
								Duration.ofNanos(System.nanoTime() - start));
					}
					this.beforeWrite.run();
					int rows = live.underLock(() -> {
						read[0] += scratch.catchUp(reader, live, topicId, upTo, keys);
						return live.copyFrom(schema, identities);
					});
					return new Result(identities.size(), read[0], before, true, rows, scratch.failures(),
							Duration.ofNanos(System.nanoTime() - start));
				}
				finally {
					scratch.drop();
				}
			}
		}
	}

	/**
	 * @return the identity a record is about (its key), {@code null} for a key that is
	 * none
	 */
	static UUID identityOf(HistoryReader.Read record) {
		try {
			return (record.key() != null) ? Uuids.parseStrict(record.key()) : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	static Map<Integer, Long> min(Map<Integer, Long> a, Map<Integer, Long> b) {
		Map<Integer, Long> min = new HashMap<>();
		a.forEach((p, offset) -> min.put(p, Math.min(offset, b.getOrDefault(p, offset))));
		return min;
	}

	static long span(Map<Integer, Long> from, Map<Integer, Long> to) {
		long total = 0;
		for (Map.Entry<Integer, Long> entry : from.entrySet()) {
			total += Math.max(0, to.getOrDefault(entry.getKey(), entry.getValue()) - entry.getValue());
		}
		return total;
	}

}
