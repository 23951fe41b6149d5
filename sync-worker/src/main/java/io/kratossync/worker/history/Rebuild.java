package io.kratossync.worker.history;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.modulith.NamedInterface;

/**
 * Recomputes all application state from the beginning of the topic into a fresh schema
 * (the worker's migrations make it), with the live handlers and fences and without side
 * effects, up to where the live state ends. It can compare the result with the live state
 * row by row, and make it the live state: in one transaction that holds the live consumer
 * back, catches up with what it applied meanwhile, keeps the previous rows in the rebuilt
 * schema ({@code previous_user_settings}, {@code previous_verified_addresses}) and
 * replaces the live rows. The inbox, the outbox and the stored offsets are left alone.
 */
@NamedInterface("api")
public final class Rebuild {

	/** The schema a rebuild goes to unless told otherwise. */
	public static final String DEFAULT_SCHEMA = "kratos_sync_rebuild";

	/**
	 * What to rebuild.
	 *
	 * @param schema the schema to rebuild into; it must not exist
	 * @param compare compare the result with the live state
	 * @param swap make the result the live state (compares too)
	 * @param keep keep the rebuilt schema after a comparison (a rebuild alone and a swap
	 * always keep it)
	 */
	public record Options(String schema, boolean compare, boolean swap, boolean keep) {
	}

	/**
	 * What a rebuild did.
	 *
	 * @param schema where the rebuilt state is
	 * @param recordsRead how many records were read
	 * @param applied how many of them were applied
	 * @param applyTook how long reading and applying took
	 * @param comparison the live state beside the rebuilt one ({@code null} unless
	 * asked); with a swap, as it was just before the swap
	 * @param swapped whether the rebuilt state is now the live one
	 * @param kept whether the rebuilt schema is still there
	 * @param failures records that could not be applied (as the live consumer
	 * dead-letters them)
	 * @param took how long it took in all
	 */
	public record Result(String schema, long recordsRead, long applied, Duration applyTook, Comparison comparison,
			boolean swapped, boolean kept, List<String> failures, Duration took) {

		/**
		 * @return records read and applied per second
		 */
		public double rate() {
			return this.recordsRead / Math.max(1e-3, this.applyTook.toNanos() / 1e9);
		}

	}

	private final HistorySources sources;

	/**
	 * @param sources the database and the Kafka settings
	 */
	public Rebuild(HistorySources sources) {
		this.sources = sources;
	}

	/**
	 * Runs the rebuild.
	 * @param options what to do
	 * @param progress told how it advances
	 * @return what it did
	 */
	public Result run(Options options, Progress progress) {
		long start = System.nanoTime();
		LiveState live = new LiveState(this.sources.dataSource());
		String schema = (options.schema() != null) ? options.schema() : DEFAULT_SCHEMA;
		Scratch.checkName(schema);
		if (schema.equals(live.schema())) {
			throw new IllegalArgumentException("schema " + schema + " is the live schema");
		}
		if (live.schemaExists(schema)) {
			throw new IllegalStateException("schema " + schema + " exists (an earlier rebuild?): drop it with DROP "
					+ "SCHEMA " + schema + " CASCADE, or choose another with --schema");
		}
		try (HistoryReader reader = new HistoryReader(this.sources.topic(), this.sources.consumer());
				Scratch scratch = Scratch.create(this.sources.dataSource(), schema)) {
			List<Integer> partitions = reader.partitions();
			String topicId = reader.topicId();
			Map<Integer, Long> target = live.storedOffsets(reader.topic(), topicId, partitions);
			Map<Integer, Long> beginning = reader.beginning(partitions);
			List<String> truncated = beginning.entrySet()
				.stream()
				.filter((e) -> e.getValue() > 0)
				.map((e) -> e.getKey() + " starts at " + e.getValue())
				.toList();
			if (options.swap() && !truncated.isEmpty()) {
				throw new IllegalStateException("the topic no longer holds its whole history (partition " + truncated
						+ "; retention or deletion removed the rest): a rebuild from it cannot replace the live "
						+ "state. Compare without --swap to see what history still says");
			}
			progress.phase("rebuilding into schema " + schema, Replay.span(beginning, target));
			long applying = System.nanoTime();
			long[] read = { reader.read(beginning, target, (batch) -> {
				scratch.apply(batch, null);
				progress.advanced(batch.size());
			}) };
			scratch.settle();
			Duration applyTook = Duration.ofNanos(System.nanoTime() - applying);
			if (!options.compare() && !options.swap()) {
				return new Result(schema, read[0], scratch.applied(), applyTook, null, false, true, scratch.failures(),
						Duration.ofNanos(System.nanoTime() - start));
			}
			progress.phase("comparing with the live state", 0);
			Comparison comparison = Comparison.of(live, schema, null);
			if (!options.swap()) {
				if (!options.keep()) {
					scratch.drop();
				}
				return new Result(schema, read[0], scratch.applied(), applyTook, comparison, false, options.keep(),
						scratch.failures(), Duration.ofNanos(System.nanoTime() - start));
			}
			progress.phase("swapping", 0);
			Comparison atSwap = live.underLock(() -> {
				read[0] += scratch.catchUp(reader, live, topicId, target, null);
				Comparison last = Comparison.of(live, schema, null);
				live.saveCopyIn(schema);
				live.copyFrom(schema, null);
				return last;
			});
			return new Result(schema, read[0], scratch.applied(), applyTook, atSwap, true, true, scratch.failures(),
					Duration.ofNanos(System.nanoTime() - start));
		}
		catch (RuntimeException ex) {
			// a rebuild that did not finish leaves nothing behind: the next one starts
			// afresh
			dropQuietly(live, schema);
			throw ex;
		}
	}

	private static void dropQuietly(LiveState live, String schema) {
		try {
			live.jdbc().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
		}
		catch (RuntimeException ex) {
			// the failure that matters is the one being thrown
		}
	}

}
