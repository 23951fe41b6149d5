package io.kratossync.worker.inbox;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.kratossync.events.EventEnvelope;
import io.kratossync.worker.apply.Delivery;
import io.kratossync.worker.apply.RecordPosition;
import io.kratossync.events.EventType;
import io.kratossync.worker.apply.EventHandler;
import io.kratossync.worker.apply.Writes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Applies each event at most once in effect: in the caller's transaction it inserts the
 * event id into the inbox first and, only if the id was new, lets the handler change
 * state. A duplicate delivery changes nothing; a failure rolls back both, so the event is
 * applied on the next delivery.
 */
@Component
public class IdempotentApplier {

	private static final Logger log = LoggerFactory.getLogger(IdempotentApplier.class);

	/** What became of an event. */
	public enum Outcome {

		/** The event changed state. */
		APPLIED,

		/** The event was older than the state stored: recorded, nothing changed. */
		STALE,

		/** The event had been processed before; nothing changed. */
		DUPLICATE

	}

	private final Inbox inbox;

	private final EventHandler handler;

	private final JdbcTemplate jdbc;

	private final MeterRegistry meters;

	private final Map<EventType, Counter[]> counters = new ConcurrentHashMap<>();

	IdempotentApplier(Inbox inbox, EventHandler handler, JdbcTemplate jdbc, MeterRegistry meters) {
		this.inbox = inbox;
		this.handler = handler;
		this.jdbc = jdbc;
		this.meters = meters;
	}

	/**
	 * Applies the event unless it was processed before, inside the caller's transaction.
	 * @param delivery the event and where its record was read
	 * @return the outcome
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Outcome apply(Delivery delivery) {
		EventEnvelope event = delivery.event();
		Outcome[] outcome = new Outcome[1];
		if (!this.inbox.record(event, delivery.source())) {
			outcome[0] = duplicate(event, delivery.source());
		}
		else {
			Writes writes = new Writes(this.jdbc);
			this.handler.handle(delivery, writes, (changed) -> outcome[0] = counted(event, changed));
			writes.flush();
		}
		return outcome[0];
	}

	/**
	 * Applies a batch of events, each unless it was processed before, inside the caller's
	 * transaction and in a few round trips: one statement records every id in the inbox,
	 * and the state changes of the new ones go in JDBC batches, in delivery order. All or
	 * nothing: when it throws, the caller rolls back.
	 * @param deliveries the events in delivery order
	 * @return how many events had each outcome
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Map<Outcome, Integer> applyAll(List<Delivery> deliveries) {
		Set<UUID> fresh = this.inbox.recordAll(deliveries);
		Writes writes = new Writes(this.jdbc);
		Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
		for (Delivery delivery : deliveries) {
			EventEnvelope event = delivery.event();
			// remove: a second delivery of the same id in this batch is a duplicate
			if (fresh.remove(event.id())) {
				this.handler.handle(delivery, writes,
						(changed) -> outcomes.merge(counted(event, changed), 1, Integer::sum));
			}
			else {
				outcomes.merge(duplicate(event, delivery.source()), 1, Integer::sum);
			}
		}
		writes.flush();
		return outcomes;
	}

	private Outcome duplicate(EventEnvelope event, RecordPosition source) {
		log.debug("Skipped duplicate event {} type {} key {} at {}-{}@{}", event.id(), event.type().ceType(),
				event.subject(), source.topic(), source.partition(), source.offset());
		return count(event, Outcome.DUPLICATE);
	}

	private Outcome counted(EventEnvelope event, boolean changed) {
		return count(event, changed ? Outcome.APPLIED : Outcome.STALE);
	}

	private Outcome count(EventEnvelope event, Outcome outcome) {
		this.counters.computeIfAbsent(event.type(), (type) -> {
			Counter[] byOutcome = new Counter[Outcome.values().length];
			for (Outcome o : Outcome.values()) {
				byOutcome[o.ordinal()] = Counter.builder("kratos_sync_events")
					.description("Events consumed, by type and outcome")
					.tag("type", type.ceType())
					.tag("outcome", o.name().toLowerCase(Locale.ROOT))
					.register(this.meters);
			}
			return byOutcome;
		})[outcome.ordinal()].increment();
		return outcome;
	}

}
