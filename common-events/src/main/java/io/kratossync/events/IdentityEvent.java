package io.kratossync.events;

import java.time.Instant;

/**
 * A change in the life of a Kratos identity, as published on {@link Topics#IDENTITY_EVENTS}. Every event names
 * the identity it concerns (also the record key) and the time the change happened, by which consumers fence
 * stale updates.
 *
 * <p>
 * The interface is sealed: a consumer that switches over it exhaustively stops compiling when a type is added,
 * so no event type can go unhandled by accident.
 */
public sealed interface IdentityEvent permits PasswordChanged, PasswordChangeRequired {

	/**
	 * The identity the change concerns.
	 * @return the identity id
	 */
	IdentityId identityId();

	/**
	 * When the change happened (not when it was published).
	 * @return the time of the change
	 */
	Instant occurredAt();

	/**
	 * The CloudEvents type of this event.
	 * @return the type
	 */
	default EventType type() {
		return EventType.of(getClass());
	}

}
