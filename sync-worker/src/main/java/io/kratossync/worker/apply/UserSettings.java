package io.kratossync.worker.apply;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The application state of one identity, as the read API returns it.
 *
 * @param identityId the identity
 * @param forcePasswordChange whether the user must change the password before going on
 * @param forcePasswordChangeAt when that flag was last set or cleared
 * @param passwordChangeReason the reason given when the change was required
 * @param passwordChangedAt when the password was last changed, as far as events told
 * @param updatedAt when the row last changed
 */
public record UserSettings(@JsonProperty("identity_id") UUID identityId,
		@JsonProperty("force_password_change") boolean forcePasswordChange,
		@JsonProperty("force_password_change_at") Instant forcePasswordChangeAt,
		@JsonProperty("password_change_reason") String passwordChangeReason,
		@JsonProperty("password_changed_at") Instant passwordChangedAt, @JsonProperty("updated_at") Instant updatedAt) {
}
