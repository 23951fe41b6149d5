package io.kratossync.worker.apply;

import java.util.List;

import io.kratossync.events.AddressVerified;
import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityCreated;
import io.kratossync.events.IdentityDeleted;
import io.kratossync.events.IdentityUpdated;
import io.kratossync.events.SessionExpired;
import io.kratossync.events.SessionIssued;
import io.kratossync.events.SessionRevoked;
import io.kratossync.events.StateChanged;
import io.kratossync.events.IdentityEvent;
import io.kratossync.events.LoggedIn;
import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.events.PasswordChanged;
import io.kratossync.events.ProfileUpdated;
import io.kratossync.events.Recovered;
import io.kratossync.events.Registered;
import io.kratossync.events.SecondFactorChanged;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * What each event type does to the application state. The visitor is exhaustive over the
 * sealed event interface: a new event type does not compile until it is handled here. It
 * knows nothing of duplicates: the consumer wraps it in the inbox's duplicate detection.
 */
@Component
class StateChanges implements EventHandler {

	private static final Logger log = LoggerFactory.getLogger(StateChanges.class);

	private final UserSettingsRepository settings;

	private final SessionRevocations revocations;

	private final boolean revokeOnDeactivation;

	StateChanges(UserSettingsRepository settings, SessionRevocations revocations,
			@Value("${kratos-sync.worker.revoke-sessions-on-deactivation:true}") boolean revokeOnDeactivation) {
		this.settings = settings;
		this.revocations = revocations;
		this.revokeOnDeactivation = revokeOnDeactivation;
	}

	/**
	 * Applies the events in delivery order. The transaction is checked once for the batch
	 * ({@link #handle} is called on this object, not through its proxy): a check per
	 * event was about a third of the worker's CPU in handling a batch.
	 */
	@Override
	@Transactional(propagation = Propagation.MANDATORY)
	public void handleAll(List<Delivery> deliveries, Writes writes, Outcomes outcomes) {
		EventHandler.super.handleAll(deliveries, writes, outcomes);
	}

	/**
	 * Applies the event to {@code user_settings}, fencing each field by the time of the
	 * change: {@link Outcome#STALE} when newer state was already stored.
	 */
	@Override
	@Transactional(propagation = Propagation.MANDATORY)
	public void handle(Delivery delivery, Writes writes, Outcomes outcomes) {
		EventEnvelope event = delivery.event();
		Changed logged = (applied) -> {
			logResult(event, applied);
			outcomes.record(delivery, applied ? Outcome.APPLIED : Outcome.STALE);
		};
		event.data().accept(new IdentityEvent.Visitor<Void>() {

			@Override
			public Void passwordChangeRequired(PasswordChangeRequired required) {
				boolean set = StateChanges.this.settings.requirePasswordChange(required, event.id(), writes);
				if (set) {
					StateChanges.this.revocations.revokeSessions(required.identityId(), event.id(), delivery.source(),
							delivery.partitionEnd(), SessionRevocations.Cause.PASSWORD_CHANGE_REQUIRED);
				}
				logged.changed(set);
				return null;
			}

			@Override
			public Void passwordChanged(PasswordChanged passwordChanged) {
				StateChanges.this.settings.passwordChanged(passwordChanged, writes, logged);
				return null;
			}

			@Override
			public Void registered(Registered registered) {
				StateChanges.this.settings.registered(registered, writes, logged);
				return null;
			}

			@Override
			public Void loggedIn(LoggedIn loggedIn) {
				StateChanges.this.settings.loggedIn(loggedIn, writes, logged);
				return null;
			}

			@Override
			public Void profileUpdated(ProfileUpdated updated) {
				StateChanges.this.settings.profileUpdated(updated, writes, logged);
				return null;
			}

			@Override
			public Void secondFactorChanged(SecondFactorChanged secondFactorChanged) {
				StateChanges.this.settings.secondFactorChanged(secondFactorChanged, writes, logged);
				return null;
			}

			@Override
			public Void recovered(Recovered recovered) {
				StateChanges.this.settings.recovered(recovered, writes, logged);
				return null;
			}

			@Override
			public Void addressVerified(AddressVerified verified) {
				StateChanges.this.settings.addressVerified(verified, writes, logged);
				return null;
			}

			@Override
			public Void identityCreated(IdentityCreated created) {
				StateChanges.this.settings.identityCreated(created, writes, logged);
				return null;
			}

			@Override
			public Void identityUpdated(IdentityUpdated updated) {
				StateChanges.this.settings.identityUpdated(updated, writes, logged);
				return null;
			}

			@Override
			public Void stateChanged(StateChanged changed) {
				boolean set = StateChanges.this.settings.stateChanged(changed, writes);
				if (set && changed.deactivated() && StateChanges.this.revokeOnDeactivation) {
					StateChanges.this.revocations.revokeSessions(changed.identityId(), event.id(), delivery.source(),
							delivery.partitionEnd(), SessionRevocations.Cause.DEACTIVATED);
				}
				logged.changed(set);
				return null;
			}

			@Override
			public Void identityDeleted(IdentityDeleted deleted) {
				StateChanges.this.settings.identityDeleted(deleted, writes, logged);
				return null;
			}

			/** Sessions are not application state: the event is for other consumers. */
			@Override
			public Void sessionIssued(SessionIssued issued) {
				outcomes.record(delivery, Outcome.IGNORED);
				return null;
			}

			@Override
			public Void sessionRevoked(SessionRevoked revoked) {
				outcomes.record(delivery, Outcome.IGNORED);
				return null;
			}

			@Override
			public Void sessionExpired(SessionExpired expired) {
				outcomes.record(delivery, Outcome.IGNORED);
				return null;
			}

		});
	}

	private static void logResult(EventEnvelope event, boolean applied) {
		if (!log.isDebugEnabled()) {
			return;
		}
		if (applied) {
			log.debug("Applied event {} type {} key {} (changed at {})", event.id(), event.type().ceType(),
					event.subject(), event.data().occurredAt());
		}
		else {
			log.debug("Recorded stale event {} type {} key {}: newer state already stored (changed at {})", event.id(),
					event.type().ceType(), event.subject(), event.data().occurredAt());
		}
	}

}
