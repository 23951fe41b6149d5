package io.kratossync.worker.apply;

import java.util.List;

import org.springframework.modulith.NamedInterface;

/**
 * Handles identity events: adds the writes an event causes to the batch and, once they
 * have run, tells what became of it. Called inside the transaction of the batch; whatever
 * it writes commits or rolls back with the batch. A decorator adds behaviour around any
 * handler (the inbox's duplicate detection is one).
 */
@NamedInterface("api")
public interface EventHandler {

	/**
	 * Handles one event.
	 * @param delivery the event and where its record was read
	 * @param writes the writes of the batch
	 * @param outcomes told what became of the event, once its writes have run
	 */
	void handle(Delivery delivery, Writes writes, Outcomes outcomes);

	/**
	 * Handles the events of a batch, in delivery order. A decorator may do better than
	 * one at a time (one statement for the whole batch).
	 * @param deliveries the events in delivery order
	 * @param writes the writes of the batch
	 * @param outcomes told what became of each event, once its writes have run
	 */
	default void handleAll(List<Delivery> deliveries, Writes writes, Outcomes outcomes) {
		for (Delivery delivery : deliveries) {
			handle(delivery, writes, outcomes);
		}
	}

}
