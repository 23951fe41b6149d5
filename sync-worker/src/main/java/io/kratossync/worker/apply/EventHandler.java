package io.kratossync.worker.apply;

import io.kratossync.events.AddressVerified;
import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityEvent;
import io.kratossync.events.LoggedIn;
import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.events.PasswordChanged;
import io.kratossync.events.ProfileUpdated;
import io.kratossync.events.Recovered;
import io.kratossync.events.Registered;
import io.kratossync.events.SecondFactorChanged;
import io.kratossync.worker.kratos.KratosActions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * What each event type does to the application state. The visitor is exhaustive over the sealed event
 * interface: a new event type does not compile until it is handled here. Runs inside the inbox transaction.
 */
@Component
public class EventHandler {

	private static final Logger log = LoggerFactory.getLogger(EventHandler.class);

	private final UserSettingsRepository settings;

	private final KratosActions actions;

	EventHandler(UserSettingsRepository settings, KratosActions actions) {
		this.settings = settings;
		this.actions = actions;
	}

	/**
	 * Applies the event to {@code user_settings}, fencing each field by the time of the change.
	 * @param event the event
	 * @return whether anything changed ({@code false}: newer state was already stored)
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public boolean handle(EventEnvelope event) {
		boolean applied = event.data().accept(new IdentityEvent.Visitor<Boolean>() {

			@Override
			public Boolean passwordChangeRequired(PasswordChangeRequired required) {
				boolean set = EventHandler.this.settings.requirePasswordChange(required);
				if (set) {
					EventHandler.this.actions.revokeSessions(required.identityId(), event.id());
				}
				return set;
			}

			@Override
			public Boolean passwordChanged(PasswordChanged changed) {
				return EventHandler.this.settings.passwordChanged(changed);
			}

			@Override
			public Boolean registered(Registered registered) {
				return EventHandler.this.settings.registered(registered);
			}

			@Override
			public Boolean loggedIn(LoggedIn loggedIn) {
				return EventHandler.this.settings.loggedIn(loggedIn);
			}

			@Override
			public Boolean profileUpdated(ProfileUpdated updated) {
				return EventHandler.this.settings.profileUpdated(updated);
			}

			@Override
			public Boolean secondFactorChanged(SecondFactorChanged changed) {
				return EventHandler.this.settings.secondFactorChanged(changed);
			}

			@Override
			public Boolean recovered(Recovered recovered) {
				return EventHandler.this.settings.recovered(recovered);
			}

			@Override
			public Boolean addressVerified(AddressVerified verified) {
				return EventHandler.this.settings.addressVerified(verified);
			}

		});
		logResult(event, applied);
		return applied;
	}

	private static void logResult(EventEnvelope event, boolean applied) {
		if (applied) {
			log.info("Applied event {} type {} key {} (changed at {})", event.id(), event.type().ceType(),
					event.subject(), event.data().occurredAt());
		}
		else {
			log.info("Recorded stale event {} type {} key {}: newer state already stored (changed at {})", event.id(),
					event.type().ceType(), event.subject(), event.data().occurredAt());
		}
	}

}
