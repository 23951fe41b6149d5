package io.kratossync.worker.system;

/**
 * Removes rows older than their retention now, as the scheduled run does (for operators'
 * tools and tests).
 */
public interface RetentionAccess {

	/** Removes what is older than its retention. */
	void prune();

}
