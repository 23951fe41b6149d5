package io.kratossync.worker.inbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.worker.apply.Delivery;
import io.kratossync.worker.apply.EventHandler;
import io.kratossync.worker.apply.Outcome;
import io.kratossync.worker.apply.Outcomes;
import io.kratossync.worker.apply.RecordPosition;
import io.kratossync.worker.apply.Writes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox check around a handler ({@link DuplicateDetection}). One event: one insert
 * into the inbox, then the handler if the id was new. A batch: one statement records
 * every id, then the new ones reach the handler together
 * ({@link EventHandler#handleAll}), in delivery order; an id delivered twice in the batch
 * reaches it once.
 */
final class DuplicateDetectingHandler implements EventHandler {

	private static final Logger log = LoggerFactory.getLogger(DuplicateDetectingHandler.class);

	private final Inbox inbox;

	private final EventHandler handler;

	DuplicateDetectingHandler(Inbox inbox, EventHandler handler) {
		this.inbox = inbox;
		this.handler = handler;
	}

	@Override
	public void handle(Delivery delivery, Writes writes, Outcomes outcomes) {
		writes.flush();
		if (this.inbox.record(delivery.event(), delivery.source())) {
			this.handler.handle(delivery, writes, outcomes);
		}
		else {
			duplicate(delivery, outcomes);
		}
	}

	@Override
	public void handleAll(List<Delivery> deliveries, Writes writes, Outcomes outcomes) {
		writes.flush();
		Set<UUID> fresh = this.inbox.recordAll(deliveries);
		List<Delivery> first = new ArrayList<>(fresh.size());
		for (Delivery delivery : deliveries) {
			// remove: a second delivery of the same id in this batch is a duplicate
			if (fresh.remove(delivery.event().id())) {
				first.add(delivery);
			}
			else {
				duplicate(delivery, outcomes);
			}
		}
		this.handler.handleAll(first, writes, outcomes);
	}

	private static void duplicate(Delivery delivery, Outcomes outcomes) {
		EventEnvelope event = delivery.event();
		RecordPosition source = delivery.source();
		log.debug("Skipped duplicate event {} type {} key {} at {}-{}@{}", event.id(), event.type().ceType(),
				event.subject(), source.topic(), source.partition(), source.offset());
		outcomes.record(delivery, Outcome.DUPLICATE);
	}

}
