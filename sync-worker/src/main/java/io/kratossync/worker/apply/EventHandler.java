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
 * What each event type does to the application state. The visitor is exhaustive over the
 * sealed event interface: a new event type does not compile until it is handled here.
 * Runs inside the inbox transaction.
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
	 * Applies the event to {@code user_settings}, fencing each field by the time of the
	 * change. The write joins the batch; {@code changed} is told the outcome once it has
	 * run.
	 * @param delivery the event and where its record was read
	 * @param writes the writes of the batch
	 * @param changed told whether anything changed ({@code false}: newer state was
	 * already stored)
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void handle(Delivery delivery, Writes writes, Changed changed) {
		EventEnvelope event = delivery.event();
		Changed logged = (applied) -> {
			logResult(event, applied);
			changed.changed(applied);
		};
		event.data().accept(new IdentityEvent.Visitor<Void>() {

			@Override
			public Void passwordChangeRequired(PasswordChangeRequired required) {
				boolean set = EventHandler.this.settings.requirePasswordChange(required, event.id(), writes);
				if (set) {
					EventHandler.this.actions.revokeSessions(required.identityId(), event.id(), delivery.source(),
							delivery.partitionEnd());
				}
				logged.changed(set);
				return null;
			}

			@Override
			public Void passwordChanged(PasswordChanged passwordChanged) {
				EventHandler.this.settings.passwordChanged(passwordChanged, writes, logged);
				return null;
			}

			@Override
			public Void registered(Registered registered) {
				EventHandler.this.settings.registered(registered, writes, logged);
				return null;
			}

			@Override
			public Void loggedIn(LoggedIn loggedIn) {
				EventHandler.this.settings.loggedIn(loggedIn, writes, logged);
				return null;
			}

			@Override
			public Void profileUpdated(ProfileUpdated updated) {
				EventHandler.this.settings.profileUpdated(updated, writes, logged);
				return null;
			}

			@Override
			public Void secondFactorChanged(SecondFactorChanged secondFactorChanged) {
				EventHandler.this.settings.secondFactorChanged(secondFactorChanged, writes, logged);
				return null;
			}

			@Override
			public Void recovered(Recovered recovered) {
				EventHandler.this.settings.recovered(recovered, writes, logged);
				return null;
			}

			@Override
			public Void addressVerified(AddressVerified verified) {
				EventHandler.this.settings.addressVerified(verified, writes, logged);
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
