package io.kratossync.events;

import java.time.Instant;

/**
 * A change in the life of a Kratos identity, as published on
 * {@link Topics#IDENTITY_EVENTS}. Every event names the identity it concerns (also the
 * record key) and the time the change happened, by which consumers fence stale updates.
 *
 * <p>
 * The interface is sealed, and consumers dispatch through {@link Visitor}: adding a type
 * adds a visitor method, so every consumer stops compiling until it handles the new type
 * (the Java 17 form of an exhaustive switch).
 */
public sealed interface IdentityEvent permits Registered, LoggedIn, PasswordChanged, ProfileUpdated,
		SecondFactorChanged, Recovered, AddressVerified, PasswordChangeRequired, IdentityCreated, IdentityUpdated,
		StateChanged, IdentityDeleted, SessionIssued, SessionRevoked, SessionExpired {

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

	/**
	 * Calls the visitor method of this event's type.
	 * @param <R> the result type
	 * @param visitor the visitor
	 * @return what the visitor returned
	 */
	<R> R accept(Visitor<R> visitor);

	/**
	 * One method per event type.
	 *
	 * @param <R> the result type
	 */
	interface Visitor<R> {

		R registered(Registered event);

		R loggedIn(LoggedIn event);

		R passwordChanged(PasswordChanged event);

		R profileUpdated(ProfileUpdated event);

		R secondFactorChanged(SecondFactorChanged event);

		R recovered(Recovered event);

		R addressVerified(AddressVerified event);

		R passwordChangeRequired(PasswordChangeRequired event);

		R identityCreated(IdentityCreated event);

		R identityUpdated(IdentityUpdated event);

		R stateChanged(StateChanged event);

		R identityDeleted(IdentityDeleted event);

		R sessionIssued(SessionIssued event);

		R sessionRevoked(SessionRevoked event);

		R sessionExpired(SessionExpired event);

	}

}
