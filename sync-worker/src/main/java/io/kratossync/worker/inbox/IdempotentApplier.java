package io.kratossync.worker.inbox;

import io.kratossync.events.EventEnvelope;
import io.kratossync.worker.apply.EventHandler;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Applies each event at most once in effect: in the caller's transaction it inserts the event id into the inbox
 * first and, only if the id was new, lets the handler change state. A duplicate delivery changes nothing; a failure
 * rolls back both, so the event is applied on the next delivery.
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

	private final MeterRegistry meters;

	IdempotentApplier(Inbox inbox, EventHandler handler, MeterRegistry meters) {
		this.inbox = inbox;
		this.handler = handler;
		this.meters = meters;
	}

	/**
	 * Applies the event unless it was processed before, inside the caller's transaction (one per poll batch, with
	 * a savepoint per event).
	 * @param event the event
	 * @param source where its record was read
	 * @return the outcome
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Outcome apply(EventEnvelope event, RecordPosition source) {
		Outcome outcome;
		if (!this.inbox.record(event, source)) {
			log.info("Skipped duplicate event {} type {} key {} at {}-{}@{}", event.id(), event.type().ceType(),
					event.subject(), source.topic(), source.partition(), source.offset());
			outcome = Outcome.DUPLICATE;
		}
		else {
			outcome = this.handler.handle(event) ? Outcome.APPLIED : Outcome.STALE;
		}
		this.meters.counter("kratos_sync_events", "type", event.type().ceType(), "outcome",
				outcome.name().toLowerCase(java.util.Locale.ROOT)).increment();
		return outcome;
	}

}
