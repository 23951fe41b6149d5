package io.kratossync.worker.apply;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.kratossync.events.AddressVerified;
import io.kratossync.events.IdentityCreated;
import io.kratossync.events.IdentityDeleted;
import io.kratossync.events.IdentityUpdated;
import io.kratossync.events.StateChanged;
import io.kratossync.events.LoggedIn;
import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.events.PasswordChanged;
import io.kratossync.events.Profile;
import io.kratossync.events.ProfileUpdated;
import io.kratossync.events.Recovered;
import io.kratossync.events.Registered;
import io.kratossync.events.SecondFactorChanged;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.NamedInterface;
import org.springframework.stereotype.Component;

/**
 * {@code user_settings}: one row per identity. Every write is one {@link FencedUpsert}:
 * each group of fields is written only when the event is newer than the change that last
 * set the group, so a stale event never overwrites newer state, whatever the order of
 * arrival. Each method tells whether anything changed, once its write has run (writes are
 * batched, see {@link Writes}).
 * <p>
 * A plain component rather than a {@code @Repository}: {@link JdbcClient} already
 * translates SQL exceptions, and the translating proxy cost a reflective call per event.
 */
@NamedInterface("api")
@Component
public class UserSettingsRepository {

	private final JdbcClient jdbc;

	UserSettingsRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void registered(Registered event, Writes writes, Changed changed) {
		FencedUpsert upsert = FencedUpsert.of(event.identityId().value())
			.earliest("registered_at", event.registeredAt(), columns("registration_method", event.method()));
		withProfile(upsert, writes, event.identityId().value(), event.registeredAt(), event.profile()).addTo(writes,
				changed);
	}

	void profileUpdated(ProfileUpdated event, Writes writes, Changed changed) {
		withProfile(FencedUpsert.of(event.identityId().value()), writes, event.identityId().value(), event.updatedAt(),
				event.profile())
			.addTo(writes, changed);
	}

	void loggedIn(LoggedIn event, Writes writes, Changed changed) {
		FencedUpsert.of(event.identityId().value())
			.latest("last_login_at", event.loggedInAt(),
					columns("last_login_method", event.method(), "last_login_aal", event.aal()))
			.addTo(writes, changed);
	}

	void secondFactorChanged(SecondFactorChanged event, Writes writes, Changed changed) {
		FencedUpsert.of(event.identityId().value())
			.latest("second_factor_changed_at", event.changedAt(), columns("second_factor_method", event.method()))
			.addTo(writes, changed);
	}

	void recovered(Recovered event, Writes writes, Changed changed) {
		FencedUpsert.of(event.identityId().value())
			.latest("recovered_at", event.recoveredAt(), columns())
			.addTo(writes, changed);
	}

	/**
	 * Records a verified address (kept per address, with Kratos's time of the
	 * verification) and marks the stored e-mail verified when it is that address and its
	 * profile is not newer than the verification. Whatever the order of arrival: a
	 * profile that later makes this address the e-mail takes the verification into
	 * account ({@link #withProfile}). A secondary address or an SMS number changes
	 * nothing of the e-mail.
	 */
	void addressVerified(AddressVerified event, Writes writes, Changed changed) {
		if (!"email".equals(event.via())) {
			changed.changed(false);
			return;
		}
		writes
			.add("""
					INSERT INTO verified_addresses AS v (identity_id, address, verified_at)
					SELECT ?, lower(?), ? WHERE NOT EXISTS (SELECT 1 FROM user_settings WHERE identity_id = ? AND deleted_at IS NOT NULL)
					ON CONFLICT (identity_id, address) DO UPDATE SET verified_at = GREATEST(v.verified_at, EXCLUDED.verified_at)""",
					new Object[] { event.identityId().value(), event.address(), utc(event.verifiedAt()),
							event.identityId().value() },
					(rows) -> {
					});
		// no profile known yet: the verified address is taken as the e-mail's state until
		// one arrives
		writes.add(
				"""
						INSERT INTO user_settings AS s (identity_id, email_verified, email_verified_at) VALUES (?, true, ?)
						ON CONFLICT (identity_id) DO UPDATE SET email_verified = true, email_verified_at = EXCLUDED.email_verified_at,
						    updated_at = now()
						 WHERE s.deleted_at IS NULL AND (s.email IS NULL OR lower(s.email) = lower(?))
						   AND (s.profile_at IS NULL OR s.profile_at <= EXCLUDED.email_verified_at)
						   AND (s.email_verified_at IS NULL OR s.email_verified_at < EXCLUDED.email_verified_at
						        OR s.email_verified IS NOT TRUE)""",
				new Object[] { event.identityId().value(), utc(event.verifiedAt()), event.address() },
				(rows) -> changed.changed(rows > 0));
	}

	/**
	 * Whether the address was verified after the given time (a verification that arrived
	 * earlier than the profile).
	 */
	private boolean verifiedAfter(Writes writes, UUID identityId, String address, Instant at) {
		writes.flush();
		return this.jdbc.sql("""
				SELECT EXISTS (SELECT 1 FROM verified_addresses WHERE identity_id = ? AND address = lower(?)
				               AND verified_at >= ?)""")
			.params(identityId, address, utc(at))
			.query(Boolean.class)
			.single();
	}

	/**
	 * Puts a requirement in force unless it is already satisfied or a newer one is in
	 * force. One clock decides: Kratos's own. The requirement carries the time Kratos
	 * gave the identity's password credential when it was made ({@code password_set_at});
	 * a password change that Kratos made later satisfies it, whichever of the two events
	 * arrives first. A requirement whose snapshot is older than the one in force is
	 * stale; of two with the same snapshot, the later on the identity's partition wins.
	 * Runs at once, since revoking the sessions depends on it.
	 * @param event the requirement
	 * @param eventId its event id, kept as the requirement in force
	 * @param writes the writes of the batch
	 * @return whether it is now the requirement in force (false: stale or already
	 * satisfied)
	 */
	boolean requirePasswordChange(PasswordChangeRequired event, UUID eventId, Writes writes) {
		return writes
			.now("""
					INSERT INTO user_settings AS s (identity_id, force_password_change, force_password_change_at,
					    password_change_reason, required_password_set_at, password_change_event_id)
					VALUES (?, true, ?, ?, COALESCE(?, '-infinity'::timestamptz), ?)
					ON CONFLICT (identity_id) DO UPDATE SET force_password_change = true,
					    force_password_change_at = EXCLUDED.force_password_change_at,
					    password_change_reason = EXCLUDED.password_change_reason,
					    required_password_set_at = EXCLUDED.required_password_set_at,
					    password_change_event_id = EXCLUDED.password_change_event_id, updated_at = now()
					 WHERE s.deleted_at IS NULL
					   AND (s.required_password_set_at IS NULL OR s.required_password_set_at <= EXCLUDED.required_password_set_at)
					   AND (s.password_changed_at IS NULL OR s.password_changed_at <= EXCLUDED.required_password_set_at)""",
					new Object[] { event.identityId().value(), utc(event.requiredAt()), event.reason(),
							utc(event.passwordSetAtOrLegacy()), eventId }) > 0;
	}

	/**
	 * Records a password change: {@code password_changed_at} moves forward only, and the
	 * requirement in force is cleared when Kratos made this change after the password the
	 * requirement saw (Kratos's times on both sides).
	 */
	void passwordChanged(PasswordChanged event, Writes writes, Changed changed) {
		String satisfies = "(s.force_password_change AND EXCLUDED.password_changed_at > "
				+ "COALESCE(s.required_password_set_at, '-infinity'::timestamptz))";
		writes.add("INSERT INTO user_settings AS s (identity_id, password_changed_at) VALUES (?, ?)"
				+ " ON CONFLICT (identity_id) DO UPDATE SET"
				+ " password_changed_at = GREATEST(s.password_changed_at, EXCLUDED.password_changed_at),"
				+ " force_password_change_at = CASE WHEN " + satisfies
				+ " THEN EXCLUDED.password_changed_at ELSE s.force_password_change_at END,"
				+ " password_change_reason = CASE WHEN " + satisfies + " THEN NULL ELSE s.password_change_reason END,"
				+ " force_password_change = CASE WHEN " + satisfies + " THEN false ELSE s.force_password_change END,"
				+ " updated_at = now()" + " WHERE s.deleted_at IS NULL AND (s.password_changed_at IS NULL"
				+ " OR s.password_changed_at < EXCLUDED.password_changed_at OR " + satisfies + ")",
				new Object[] { event.identityId().value(), utc(event.changedAt()) },
				(rows) -> changed.changed(rows > 0));
	}

	void identityCreated(IdentityCreated event, Writes writes, Changed changed) {
		withProfile(FencedUpsert.of(event.identityId().value()), writes, event.identityId().value(), event.createdAt(),
				event.profile())
			.addTo(writes, changed);
	}

	void identityUpdated(IdentityUpdated event, Writes writes, Changed changed) {
		withProfile(FencedUpsert.of(event.identityId().value()), writes, event.identityId().value(), event.updatedAt(),
				event.profile())
			.addTo(writes, changed);
	}

	/**
	 * Stores the identity's state. Runs at once, since queueing a revocation depends on
	 * whether it won.
	 * @return whether the state was written (false: newer state stored, or deleted)
	 */
	boolean stateChanged(StateChanged event, Writes writes) {
		return FencedUpsert.of(event.identityId().value())
			.latest("state_at", event.changedAt(), columns("state", event.state()))
			.executeNow(writes);
	}

	/**
	 * Erases what the application kept of a deleted identity and leaves a tombstone: the
	 * row keeps only the identity id and {@code deleted_at}, its verified addresses go,
	 * and no later write touches it (every write of this class demands
	 * {@code deleted_at IS NULL}). A tombstone is written even when no other event of the
	 * identity was seen, so that a late one cannot create the row.
	 */
	void identityDeleted(IdentityDeleted event, Writes writes, Changed changed) {
		writes.add("DELETE FROM verified_addresses WHERE identity_id = ?", new Object[] { event.identityId().value() },
				(rows) -> {
				});
		writes.add("""
				INSERT INTO user_settings AS s (identity_id, deleted_at) VALUES (?, ?)
				ON CONFLICT (identity_id) DO UPDATE SET deleted_at = EXCLUDED.deleted_at,
				    force_password_change = false, force_password_change_at = NULL, password_change_reason = NULL,
				    password_changed_at = NULL, password_change_event_id = NULL, required_password_set_at = NULL,
				    schema_id = NULL, state = NULL, email = NULL, profile_at = NULL, state_at = NULL,
				    email_verified = NULL, email_verified_at = NULL, registered_at = NULL, registration_method = NULL,
				    last_login_at = NULL, last_login_method = NULL, last_login_aal = NULL, recovered_at = NULL,
				    second_factor_changed_at = NULL, second_factor_method = NULL, updated_at = now()
				 WHERE s.deleted_at IS NULL""", new Object[] { event.identityId().value(), utc(event.deletedAt()) },
				(rows) -> changed.changed(rows > 0));
	}

	private static OffsetDateTime utc(Instant instant) {
		return (instant != null) ? OffsetDateTime.ofInstant(instant, ZoneOffset.UTC) : null;
	}

	/**
	 * The profile's columns: a snapshot at {@code at}. Its e-mail counts as verified when
	 * the snapshot says so, or when a verification of that address at or after the
	 * snapshot was recorded already (it arrived first).
	 */
	private FencedUpsert withProfile(FencedUpsert upsert, Writes writes, UUID identityId, Instant at, Profile profile) {
		upsert.latest("profile_at", at, columns("schema_id", profile.schemaId(), "email", profile.email()));
		if (profile.state() != null) {
			upsert.latest("state_at", at, columns("state", profile.state()));
		}
		Boolean verified = profile.emailVerified();
		if (!Boolean.TRUE.equals(verified) && profile.email() != null
				&& verifiedAfter(writes, identityId, profile.email(), at)) {
			verified = true;
		}
		if (verified != null) {
			upsert.latest("email_verified_at", at, columns("email_verified", verified));
		}
		return upsert;
	}

	private static Map<String, Object> columns(Object... namesAndValues) {
		Map<String, Object> columns = new LinkedHashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			columns.put((String) namesAndValues[i], namesAndValues[i + 1]);
		}
		return columns;
	}

	/**
	 * The stored settings of an identity.
	 * @param identityId the identity
	 * @return the settings, or empty when no event about the identity was applied or the
	 * identity was deleted
	 */
	public Optional<UserSettings> find(UUID identityId) {
		return this.jdbc.sql("SELECT * FROM user_settings WHERE identity_id = ? AND deleted_at IS NULL")
			.param(identityId)
			.query((rs, n) -> new UserSettings(rs.getObject("identity_id", UUID.class),
					rs.getBoolean("force_password_change"), instant(rs, "force_password_change_at"),
					rs.getString("password_change_reason"), instant(rs, "password_changed_at"),
					rs.getString("schema_id"), rs.getString("state"), rs.getString("email"),
					(Boolean) rs.getObject("email_verified"), instant(rs, "registered_at"),
					rs.getString("registration_method"), instant(rs, "last_login_at"),
					rs.getString("last_login_method"), rs.getString("last_login_aal"), instant(rs, "recovered_at"),
					instant(rs, "second_factor_changed_at"), rs.getString("second_factor_method"),
					instant(rs, "updated_at")))
			.optional();
	}

	/**
	 * When Kratos deleted the identity, if it did.
	 * @param identityId the identity
	 * @return the time of the deletion, or empty when it was not deleted (or is unknown)
	 */
	public Optional<Instant> deletedAt(UUID identityId) {
		return this.jdbc.sql("SELECT deleted_at FROM user_settings WHERE identity_id = ? AND deleted_at IS NOT NULL")
			.param(identityId)
			.query((rs, n) -> instant(rs, "deleted_at"))
			.optional();
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

}
