package io.kratossync.events;

import java.util.Arrays;
import java.util.Optional;

/**
 * The catalogue of event types: the CloudEvents {@code ce_type} of each and the record it
 * decodes to.
 */
public enum EventType {

	/** See {@link Registered}. */
	REGISTERED("kratos.identity.registered", Registered.class),

	/** See {@link LoggedIn}. */
	LOGGED_IN("kratos.identity.logged_in", LoggedIn.class),

	/** See {@link PasswordChanged}. */
	PASSWORD_CHANGED("kratos.identity.password_changed", PasswordChanged.class),

	/** See {@link ProfileUpdated}. */
	PROFILE_UPDATED("kratos.identity.profile_updated", ProfileUpdated.class),

	/** See {@link SecondFactorChanged}. */
	SECOND_FACTOR_CHANGED("kratos.identity.second_factor_changed", SecondFactorChanged.class),

	/** See {@link Recovered}. */
	RECOVERED("kratos.identity.recovered", Recovered.class),

	/** See {@link AddressVerified}. */
	ADDRESS_VERIFIED("kratos.identity.address_verified", AddressVerified.class),

	/** See {@link PasswordChangeRequired}. */
	PASSWORD_CHANGE_REQUIRED("kratos.identity.password_change_required", PasswordChangeRequired.class),

	/** See {@link IdentityCreated}. */
	IDENTITY_CREATED("kratos.identity.created", IdentityCreated.class),

	/** See {@link IdentityUpdated}. */
	IDENTITY_UPDATED("kratos.identity.updated", IdentityUpdated.class),

	/** See {@link StateChanged}. */
	STATE_CHANGED("kratos.identity.state_changed", StateChanged.class),

	/** See {@link IdentityDeleted}. */
	IDENTITY_DELETED("kratos.identity.deleted", IdentityDeleted.class),

	/** See {@link SessionIssued}. */
	SESSION_ISSUED("kratos.session.issued", SessionIssued.class),

	/** See {@link SessionRevoked}. */
	SESSION_REVOKED("kratos.session.revoked", SessionRevoked.class),

	/** See {@link SessionExpired}. */
	SESSION_EXPIRED("kratos.session.expired", SessionExpired.class);

	private final String ceType;

	private final Class<? extends IdentityEvent> recordType;

	EventType(String ceType, Class<? extends IdentityEvent> recordType) {
		this.ceType = ceType;
		this.recordType = recordType;
	}

	/**
	 * The value of the {@code ce_type} header.
	 * @return the CloudEvents type
	 */
	public String ceType() {
		return this.ceType;
	}

	/**
	 * The record class the event data decodes to.
	 * @return the record class
	 */
	public Class<? extends IdentityEvent> recordType() {
		return this.recordType;
	}

	/**
	 * The class-path location of the JSON Schema (draft 2020-12) of this type's record
	 * value, for consumers in any language; the same files ship in this jar.
	 * @return the resource path, e.g.
	 * {@code io/kratossync/events/schemas/kratos.identity.registered.json}
	 */
	public String schemaResource() {
		return "io/kratossync/events/schemas/" + this.ceType + ".json";
	}

	/**
	 * Looks a type up by its {@code ce_type}.
	 * @param ceType the CloudEvents type
	 * @return the type, or empty when unknown
	 */
	public static Optional<EventType> fromCeType(String ceType) {
		return Arrays.stream(values()).filter((type) -> type.ceType.equals(ceType)).findFirst();
	}

	static EventType of(Class<? extends IdentityEvent> recordType) {
		for (EventType type : values()) {
			if (type.recordType == recordType) {
				return type;
			}
		}
		throw new IllegalStateException("no event type for " + recordType.getName());
	}

}
