package io.kratossync.worker.apply;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.kratossync.events.AddressVerified;
import io.kratossync.events.LoggedIn;
import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.events.PasswordChanged;
import io.kratossync.events.Profile;
import io.kratossync.events.ProfileUpdated;
import io.kratossync.events.Recovered;
import io.kratossync.events.Registered;
import io.kratossync.events.SecondFactorChanged;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code user_settings}: one row per identity. Every write is one {@link FencedUpsert}: each group of fields is
 * written only when the event is newer than the change that last set the group, so a stale event never
 * overwrites newer state, whatever the order of arrival. Each method tells whether anything changed, once its
 * write has run (writes are batched, see {@link Writes}).
 */
@Repository
public class UserSettingsRepository {

	private final JdbcClient jdbc;

	UserSettingsRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void registered(Registered event, Writes writes, Changed changed) {
		FencedUpsert upsert = FencedUpsert.of(event.identityId().value())
			.earliest("registered_at", event.registeredAt(), columns("registration_method", event.method()));
		withProfile(upsert, event.registeredAt(), event.profile()).addTo(writes, changed);
	}

	void profileUpdated(ProfileUpdated event, Writes writes, Changed changed) {
		withProfile(FencedUpsert.of(event.identityId().value()), event.updatedAt(), event.profile()).addTo(writes,
				changed);
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
	 * Marks the e-mail verified when the verified address is the stored e-mail (or none is stored yet); a
	 * secondary address changes nothing here. Reads the row, so the writes pending in the batch go first.
	 */
	void addressVerified(AddressVerified event, Writes writes, Changed changed) {
		writes.flush();
		String stored = this.jdbc.sql("SELECT email FROM user_settings WHERE identity_id = ? FOR UPDATE")
			.param(event.identityId().value())
			.query(String.class)
			.optional()
			.orElse(null);
		if (!"email".equals(event.via()) || (stored != null && !stored.equalsIgnoreCase(event.address()))) {
			changed.changed(false);
			return;
		}
		FencedUpsert.of(event.identityId().value())
			.latest("email_verified_at", event.verifiedAt(), columns("email_verified", true))
			.addTo(writes, changed);
	}

	/**
	 * Sets the force-password-change flag unless a newer change of the flag is stored; runs at once, since
	 * what follows (revoking sessions) depends on it.
	 * @return whether the flag was set (false: stale)
	 */
	boolean requirePasswordChange(PasswordChangeRequired event, Writes writes) {
		return FencedUpsert.of(event.identityId().value())
			.latest("force_password_change_at", event.requiredAt(),
					columns("force_password_change", true, "password_change_reason", event.reason()))
			.executeNow(writes);
	}

	/**
	 * Records a password change: {@code password_changed_at} moves forward only, and the force flag is cleared
	 * only when the change is newer than the requirement that set it.
	 */
	void passwordChanged(PasswordChanged event, Writes writes, Changed changed) {
		FencedUpsert.of(event.identityId().value())
			.latest("password_changed_at", event.changedAt(), columns())
			.latest("force_password_change_at", event.changedAt(),
					columns("force_password_change", false, "password_change_reason", null))
			.addTo(writes, changed);
	}

	private static FencedUpsert withProfile(FencedUpsert upsert, Instant at, Profile profile) {
		upsert.latest("profile_at", at,
				columns("schema_id", profile.schemaId(), "state", profile.state(), "email", profile.email()));
		if (profile.emailVerified() != null) {
			upsert.latest("email_verified_at", at, columns("email_verified", profile.emailVerified()));
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
	 * @return the settings, or empty when no event about the identity was applied
	 */
	public Optional<UserSettings> find(UUID identityId) {
		return this.jdbc.sql("SELECT * FROM user_settings WHERE identity_id = ?")
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

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

}
