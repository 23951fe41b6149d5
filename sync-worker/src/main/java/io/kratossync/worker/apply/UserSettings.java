package io.kratossync.worker.apply;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.springframework.modulith.NamedInterface;

/**
 * The application state of one identity, as the read API returns it. Fields no event has
 * set yet are {@code null}.
 *
 * @param identityId the identity
 * @param forcePasswordChange whether the user must change the password before going on
 * @param forcePasswordChangeAt when that flag was last set or cleared
 * @param passwordChangeReason the reason given when the change was required
 * @param passwordChangedAt when the password was last changed
 * @param schemaId the identity schema
 * @param state {@code active} or {@code inactive}
 * @param email the primary e-mail address
 * @param emailVerified whether it is verified
 * @param registeredAt when the identity registered
 * @param registrationMethod how it registered
 * @param lastLoginAt when it last signed in
 * @param lastLoginMethod with which method
 * @param lastLoginAal at which assurance level
 * @param recoveredAt when it last recovered the account
 * @param secondFactorChangedAt when a second factor was last set up, changed or removed
 * @param secondFactorMethod which one
 * @param updatedAt when the row last changed
 */
@NamedInterface("api")
public record UserSettings(@JsonProperty("identity_id") UUID identityId,
		@JsonProperty("force_password_change") boolean forcePasswordChange,
		@JsonProperty("force_password_change_at") Instant forcePasswordChangeAt,
		@JsonProperty("password_change_reason") String passwordChangeReason,
		@JsonProperty("password_changed_at") Instant passwordChangedAt, @JsonProperty("schema_id") String schemaId,
		@JsonProperty("state") String state, @JsonProperty("email") String email,
		@JsonProperty("email_verified") Boolean emailVerified, @JsonProperty("registered_at") Instant registeredAt,
		@JsonProperty("registration_method") String registrationMethod,
		@JsonProperty("last_login_at") Instant lastLoginAt, @JsonProperty("last_login_method") String lastLoginMethod,
		@JsonProperty("last_login_aal") String lastLoginAal, @JsonProperty("recovered_at") Instant recoveredAt,
		@JsonProperty("second_factor_changed_at") Instant secondFactorChangedAt,
		@JsonProperty("second_factor_method") String secondFactorMethod,
		@JsonProperty("updated_at") Instant updatedAt) {
}
