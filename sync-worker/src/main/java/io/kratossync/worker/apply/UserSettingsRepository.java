package io.kratossync.worker.apply;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.events.PasswordChanged;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code user_settings}: one row per identity. Every write is a single upsert whose conditions compare the time
 * of the change with the time that set the field, so a stale event never overwrites newer state, whatever the
 * order of arrival.
 */
@Repository
public class UserSettingsRepository {

	private final JdbcClient jdbc;

	UserSettingsRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Sets the force-password-change flag unless a newer change of the flag is stored.
	 * @param event the requirement
	 * @return whether the flag was set (false: stale)
	 */
	boolean requirePasswordChange(PasswordChangeRequired event) {
		return this.jdbc.sql("""
				INSERT INTO user_settings AS s (identity_id, force_password_change, force_password_change_at, password_change_reason)
				VALUES (:id, true, :at, :reason)
				ON CONFLICT (identity_id) DO UPDATE
				   SET force_password_change = true, force_password_change_at = :at,
				       password_change_reason = :reason, updated_at = now()
				 WHERE s.force_password_change_at IS NULL OR s.force_password_change_at < :at
				RETURNING identity_id""")
			.param("id", event.identityId().value())
			.param("at", timestamp(event.requiredAt()))
			.param("reason", event.reason())
			.query(UUID.class)
			.optional()
			.isPresent();
	}

	/**
	 * Records a password change: {@code password_changed_at} moves forward only, and the force flag is cleared
	 * only when the change is newer than the requirement that set it.
	 * @param event the change
	 * @return whether anything changed (false: stale)
	 */
	boolean passwordChanged(PasswordChanged event) {
		return this.jdbc.sql("""
				INSERT INTO user_settings AS s (identity_id, force_password_change, force_password_change_at, password_changed_at)
				VALUES (:id, false, :at, :at)
				ON CONFLICT (identity_id) DO UPDATE
				   SET password_changed_at = GREATEST(s.password_changed_at, :at),
				       force_password_change = CASE WHEN s.force_password_change_at IS NULL OR s.force_password_change_at < :at
				                                    THEN false ELSE s.force_password_change END,
				       force_password_change_at = CASE WHEN s.force_password_change_at IS NULL OR s.force_password_change_at < :at
				                                       THEN :at ELSE s.force_password_change_at END,
				       password_change_reason = CASE WHEN s.force_password_change_at IS NULL OR s.force_password_change_at < :at
				                                     THEN NULL ELSE s.password_change_reason END,
				       updated_at = now()
				 WHERE s.password_changed_at IS NULL OR s.password_changed_at < :at
				    OR s.force_password_change_at IS NULL OR s.force_password_change_at < :at
				RETURNING identity_id""")
			.param("id", event.identityId().value())
			.param("at", timestamp(event.changedAt()))
			.query(UUID.class)
			.optional()
			.isPresent();
	}

	/**
	 * The stored settings of an identity.
	 * @param identityId the identity
	 * @return the settings, or empty when no event about the identity was applied
	 */
	public Optional<UserSettings> find(UUID identityId) {
		return this.jdbc.sql("""
				SELECT identity_id, force_password_change, force_password_change_at, password_change_reason,
				       password_changed_at, updated_at
				  FROM user_settings WHERE identity_id = ?""")
			.param(identityId)
			.query((rs, n) -> new UserSettings(rs.getObject("identity_id", UUID.class),
					rs.getBoolean("force_password_change"), instant(rs, "force_password_change_at"),
					rs.getString("password_change_reason"), instant(rs, "password_changed_at"),
					instant(rs, "updated_at")))
			.optional();
	}

	static OffsetDateTime timestamp(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	static Instant instant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

}
