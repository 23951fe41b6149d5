package io.kratossync.worker.apply;

/**
 * Told whether an event changed state, once its write has run (writes of a batch run
 * together, later than the handler that added them).
 */
@FunctionalInterface
interface Changed {

	/**
	 * @param changed {@code true} if the event changed state, {@code false} if newer
	 * state was already stored
	 */
	void changed(boolean changed);

}
