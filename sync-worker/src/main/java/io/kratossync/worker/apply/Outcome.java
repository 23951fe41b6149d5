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
	DUPLICATE

}
