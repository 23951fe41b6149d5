package io.kratossync.worker.apply;

import org.springframework.modulith.NamedInterface;

/**
 * Told what became of each event, once its writes have run (the writes of a batch run
 * together, later than the handler that added them).
 */
@NamedInterface("api")
@FunctionalInterface
public interface Outcomes {

	/**
	 * @param delivery the event
	 * @param outcome what became of it
	 */
	void record(Delivery delivery, Outcome outcome);

}
