package io.kratossync.worker.apply;

import org.springframework.modulith.NamedInterface;

/** What became of an event. */
@NamedInterface("api")
public enum Outcome {

	/** The event changed state. */
	APPLIED,

	/** The event was older than the state stored: recorded, nothing changed. */
	STALE,

	/** The event had been processed before; nothing changed. */
	DUPLICATE,

	/**
	 * The event changes no application state (session events, for other consumers):
	 * recorded, nothing changed.
	 */
	IGNORED

}
