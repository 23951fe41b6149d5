package io.kratossync.worker.apply;

import java.util.UUID;

import io.kratossync.events.IdentityEvent;
import io.kratossync.events.IdentityId;

import org.springframework.modulith.NamedInterface;

/**
 * Where a state change that requires revoking an identity's Kratos sessions queues it: in
 * the same transaction, so the revocation exists if and only if the change commits.
 * Declared here, implemented by the Kratos outbox, so that applying events does not
 * depend on how Kratos is called.
 */
@NamedInterface("api")
public interface SessionRevocations {

	/**
	 * Queues "revoke all sessions of the identity", due once the partition of the event
	 * has been applied up to {@code dueOffset}. One event queues it at most once.
	 * @param identityId the identity
	 * @param eventId the event that requires it ({@link IdentityEvent})
	 * @param source where the event was read
	 * @param dueOffset the offset of its partition that must be applied before it runs
	 * @param cause why: the revocation is skipped if its cause is no longer in force when
	 * its turn comes
	 */
	void revokeSessions(IdentityId identityId, UUID eventId, RecordPosition source, long dueOffset, Cause cause);

	/** Why an identity's sessions are revoked. */
	enum Cause {

		/**
		 * An administrator required a password change; in force while that requirement
		 * is.
		 */
		PASSWORD_CHANGE_REQUIRED("password_change_required"),

		/** The identity was deactivated; in force while it stays inactive. */
		DEACTIVATED("deactivated");

		private final String column;

		Cause(String column) {
			this.column = column;
		}

		/**
		 * @return the value stored in {@code kratos_actions.cause}
		 */
		public String column() {
			return this.column;
		}

	}

}
