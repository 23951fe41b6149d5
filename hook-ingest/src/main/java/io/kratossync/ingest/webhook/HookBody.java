package io.kratossync.ingest.webhook;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.kratossync.events.IdentityId;
import io.kratossync.events.Profile;
import io.kratossync.events.Timestamps;
import io.kratossync.events.Uuids;
import io.kratossync.ingest.web.InvalidPayloadException;
import tools.jackson.databind.JsonNode;

/**
 * The few fields of a Kratos webhook body that events need. The body is either what the
 * shipped {@code webhook.jsonnet} renders or a raw dump of Kratos's whole {@code ctx}
 * (possibly as {@code {"ctx": ...}}); both carry {@code identity}, {@code flow} and
 * {@code session} at the top. Nothing else of the body is kept, so cookies, CSRF tokens,
 * {@code ui} nodes, request headers and all traits but the e-mail are dropped here and
 * can never be published. Zero UUIDs and zero timestamps, which Kratos sends for rows not
 * yet saved, read as absent.
 *
 * @param identityId {@code identity.id}
 * @param schemaId {@code identity.schema_id}, or {@code null}
 * @param state {@code identity.state}, or {@code null}
 * @param traitsEmail {@code identity.traits.email} when it is a string, or {@code null}
 * @param addresses {@code identity.verifiable_addresses}
 * @param createdAt {@code identity.created_at}, or {@code null}
 * @param updatedAt {@code identity.updated_at}, or {@code null}
 * @param flowId {@code flow.id}, or {@code null}
 * @param sessionId {@code session.id}, or {@code null}
 * @param aal {@code session.aal} (template) or
 * {@code session.authenticator_assurance_level} (raw ctx), or {@code null}
 * @param authenticatedAt {@code session.authenticated_at}, or {@code null}
 */
record HookBody(IdentityId identityId, String schemaId, String state, String traitsEmail, List<Address> addresses,
		Instant createdAt, Instant updatedAt, UUID flowId, UUID sessionId, String aal, Instant authenticatedAt) {

	/** The most addresses read from one body. */
	static final int MAX_ADDRESSES = 50;

	private static final UUID ZERO_UUID = new UUID(0, 0);

	private static final Instant FIRST_REAL_TIME = Instant.parse("0001-01-02T00:00:00Z");

	/**
	 * A verifiable address.
	 *
	 * @param value the address
	 * @param via {@code email} or {@code sms}
	 * @param verified whether it is verified
	 * @param verifiedAt when, or {@code null}
	 */
	record Address(String value, String via, boolean verified, Instant verifiedAt) {
	}

	static HookBody parse(JsonNode body) {
		JsonNode root = (body != null && body.path("ctx").isObject()) ? body.get("ctx") : body;
		if (root == null || !root.isObject()) {
			throw new InvalidPayloadException("$", "must be a JSON object");
		}
		JsonNode identity = root.path("identity");
		if (!identity.isObject()) {
			throw new InvalidPayloadException("identity", "is required and must be an object");
		}
		JsonNode session = root.path("session");
		String aal = text(session, "aal", "session.aal");
		return new HookBody(identityId(identity.path("id")), text(identity, "schema_id", "identity.schema_id"),
				text(identity, "state", "identity.state"), traitsEmail(identity.path("traits")), addresses(identity),
				timestamp(identity.path("created_at"), "identity.created_at"),
				timestamp(identity.path("updated_at"), "identity.updated_at"),
				optionalUuid(root.path("flow").path("id"), "flow.id"), optionalUuid(session.path("id"), "session.id"),
				(aal != null) ? aal
						: text(session, "authenticator_assurance_level", "session.authenticator_assurance_level"),
				timestamp(session.path("authenticated_at"), "session.authenticated_at"));
	}

	/**
	 * What the application keeps of the identity: the primary e-mail is the first
	 * verifiable e-mail address, else {@code traits.email}.
	 * @return the profile
	 */
	Profile profile() {
		Optional<Address> primary = this.addresses.stream().filter((a) -> "email".equals(a.via())).findFirst();
		if (primary.isPresent()) {
			return new Profile(this.schemaId, this.state, primary.get().value(), primary.get().verified());
		}
		return new Profile(this.schemaId, this.state, this.traitsEmail, null);
	}

	/**
	 * How many of the body's times lie after the limit.
	 * @param limit the latest acceptable time
	 * @return the count
	 */
	int countAfter(Instant limit) {
		int count = after(this.createdAt, limit) + after(this.updatedAt, limit) + after(this.authenticatedAt, limit);
		for (Address address : this.addresses) {
			count += after(address.verifiedAt(), limit);
		}
		return count;
	}

	/**
	 * This body with every time after the limit replaced by the limit.
	 * @param limit the latest acceptable time
	 * @return the clamped body
	 */
	HookBody notAfter(Instant limit) {
		List<Address> clamped = this.addresses.stream()
			.map((a) -> new Address(a.value(), a.via(), a.verified(), min(a.verifiedAt(), limit)))
			.toList();
		return new HookBody(this.identityId, this.schemaId, this.state, this.traitsEmail, clamped,
				min(this.createdAt, limit), min(this.updatedAt, limit), this.flowId, this.sessionId, this.aal,
				min(this.authenticatedAt, limit));
	}

	private static int after(Instant time, Instant limit) {
		return (time != null && time.isAfter(limit)) ? 1 : 0;
	}

	private static Instant min(Instant time, Instant limit) {
		return (time != null && time.isAfter(limit)) ? limit : time;
	}

	/**
	 * The address verified last, as a verification flow leaves it.
	 * @return the address
	 */
	Optional<Address> lastVerifiedAddress() {
		return this.addresses.stream()
			.filter(Address::verified)
			.max(Comparator.comparing((Address a) -> (a.verifiedAt() != null) ? a.verifiedAt() : Instant.MIN));
	}

	private static IdentityId identityId(JsonNode node) {
		if (!node.isString()) {
			throw new InvalidPayloadException("identity.id", "is required and must be a UUID string");
		}
		UUID id;
		try {
			id = Uuids.parseStrict(node.asString());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidPayloadException("identity.id", "is not a UUID");
		}
		if (ZERO_UUID.equals(id)) {
			throw new InvalidPayloadException("identity.id",
					"is the all-zero UUID: the identity was not saved yet (use an after hook)");
		}
		return new IdentityId(id);
	}

	private static List<Address> addresses(JsonNode identity) {
		JsonNode list = identity.path("verifiable_addresses");
		if (list.isMissingNode() || list.isNull()) {
			return List.of();
		}
		if (!list.isArray()) {
			throw new InvalidPayloadException("identity.verifiable_addresses", "must be an array");
		}
		List<Address> addresses = new ArrayList<>();
		for (int i = 0; i < Math.min(list.size(), MAX_ADDRESSES); i++) {
			String field = "identity.verifiable_addresses[" + i + "]";
			JsonNode address = list.get(i);
			if (!address.isObject()) {
				throw new InvalidPayloadException(field, "must be an object");
			}
			String value = text(address, "value", field + ".value");
			if (value == null) {
				continue;
			}
			JsonNode verified = address.path("verified");
			if (!verified.isMissingNode() && !verified.isNull() && !verified.isBoolean()) {
				throw new InvalidPayloadException(field + ".verified", "must be a boolean");
			}
			addresses.add(new Address(value, text(address, "via", field + ".via"), verified.asBoolean(false),
					timestamp(address.path("verified_at"), field + ".verified_at")));
		}
		return List.copyOf(addresses);
	}

	private static String traitsEmail(JsonNode traits) {
		JsonNode email = traits.path("email");
		return (email.isString() && email.asString().length() <= Profile.MAX_LENGTH) ? email.asString() : null;
	}

	private static String text(JsonNode parent, String name, String field) {
		JsonNode node = parent.path(name);
		if (node.isMissingNode() || node.isNull()) {
			return null;
		}
		if (!node.isString()) {
			throw new InvalidPayloadException(field, "must be a string");
		}
		if (node.asString().length() > Profile.MAX_LENGTH) {
			throw new InvalidPayloadException(field, "is longer than " + Profile.MAX_LENGTH + " characters");
		}
		return node.asString();
	}

	private static UUID optionalUuid(JsonNode node, String field) {
		if (node.isMissingNode() || node.isNull()) {
			return null;
		}
		if (!node.isString()) {
			throw new InvalidPayloadException(field, "must be a UUID string");
		}
		try {
			UUID id = Uuids.parseStrict(node.asString());
			return ZERO_UUID.equals(id) ? null : id;
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidPayloadException(field, "is not a UUID");
		}
	}

	private static Instant timestamp(JsonNode node, String field) {
		if (node.isMissingNode() || node.isNull()) {
			return null;
		}
		if (!node.isString() || node.asString().length() > 64) {
			throw new InvalidPayloadException(field, "must be an RFC 3339 timestamp string");
		}
		try {
			Instant instant = Timestamps.parse(node.asString());
			// Kratos sends 0001-01-01T00:00:00Z for rows not yet persisted: not a real
			// time
			return instant.isBefore(FIRST_REAL_TIME) ? null : instant;
		}
		catch (DateTimeParseException ex) {
			throw new InvalidPayloadException(field, "is not an RFC 3339 timestamp");
		}
	}

}
