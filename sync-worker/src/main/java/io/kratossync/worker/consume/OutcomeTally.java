package io.kratossync.worker.consume;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import io.kratossync.events.EventType;
import io.kratossync.worker.apply.Delivery;
import io.kratossync.worker.apply.Outcome;
import io.kratossync.worker.apply.Outcomes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What became of the events of one transaction, by type and outcome. Counted into
 * {@code kratos_sync_events} only once the transaction committed ({@link #committed}): a
 * batch that rolls back and is applied again is counted once.
 */
final class OutcomeTally implements Outcomes {

	private static final int TYPES = EventType.values().length;

	private static final int OUTCOMES = Outcome.values().length;

	private final int[] counts = new int[TYPES * OUTCOMES];

	@Override
	public void record(Delivery delivery, Outcome outcome) {
		this.counts[delivery.event().type().ordinal() * OUTCOMES + outcome.ordinal()]++;
	}

	/** Adds what another tally saw (a record applied behind its own savepoint). */
	void add(OutcomeTally other) {
		for (int i = 0; i < this.counts.length; i++) {
			this.counts[i] += other.counts[i];
		}
	}

	/**
	 * @return how many events had each outcome, whatever their type
	 */
	Map<Outcome, Integer> byOutcome() {
		Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
		for (int i = 0; i < this.counts.length; i++) {
			if (this.counts[i] > 0) {
				outcomes.merge(Outcome.values()[i % OUTCOMES], this.counts[i], Integer::sum);
			}
		}
		return outcomes;
	}

	/**
	 * Counts the tally into the meters, once its transaction committed.
	 * @param meters the counters by type and outcome
	 */
	void committed(Meters meters) {
		for (int i = 0; i < this.counts.length; i++) {
			if (this.counts[i] > 0) {
				meters.counters[i].increment(this.counts[i]);
			}
		}
	}

	/** {@code kratos_sync_events}: events consumed, by type and outcome. */
	static final class Meters {

		private final Counter[] counters = new Counter[TYPES * OUTCOMES];

		Meters(MeterRegistry registry) {
			for (EventType type : EventType.values()) {
				for (Outcome outcome : Outcome.values()) {
					this.counters[type.ordinal() * OUTCOMES + outcome.ordinal()] = Counter.builder("kratos_sync_events")
						.description("Events consumed, by type and outcome")
						.tag("type", type.ceType())
						.tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
						.register(registry);
				}
			}
		}

	}

}
