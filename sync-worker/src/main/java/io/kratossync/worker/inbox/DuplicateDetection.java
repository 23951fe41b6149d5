package io.kratossync.worker.inbox;

import io.kratossync.worker.apply.EventHandler;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.NamedInterface;
import org.springframework.stereotype.Component;

/**
 * Idempotency as a decorator: wraps any {@link EventHandler} so that each event reaches
 * it at most once in effect. The inbox records the event's id in the transaction of the
 * batch, and only an id recorded now reaches the handler; a duplicate is reported
 * {@link io.kratossync.worker.apply.Outcome#DUPLICATE} and changes nothing. A failure
 * rolls back both, so the event reaches the handler again on the next delivery. Handlers
 * know nothing of it.
 */
@NamedInterface("api")
@Component
public class DuplicateDetection {

	private final Inbox inbox;

	DuplicateDetection(Inbox inbox) {
		this.inbox = inbox;
	}

	/**
	 * @param handler the handler to protect
	 * @return the handler behind the inbox check
	 */
	public EventHandler around(EventHandler handler) {
		return new DuplicateDetectingHandler(this.inbox, handler);
	}

	/**
	 * The same check over another connection: recomputing history into a scratch schema
	 * keeps an inbox of its own there, so that a duplicate changes nothing in it either.
	 * @param jdbc where the inbox is (its connection's {@code search_path} decides the
	 * schema); the caller runs each batch in a transaction
	 * @return the duplicate detection over that inbox
	 */
	public static DuplicateDetection over(JdbcClient jdbc) {
		return new DuplicateDetection(new Inbox(jdbc));
	}

}
