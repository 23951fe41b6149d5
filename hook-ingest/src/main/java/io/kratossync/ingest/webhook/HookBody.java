package io.kratossync.ingest.webhook;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

import io.kratossync.events.IdentityId;
import io.kratossync.events.Uuids;
import tools.jackson.databind.JsonNode;

/**
 * The few fields of a Kratos webhook body that events need. The body is either what the shipped
 * {@code webhook.jsonnet} renders or a raw dump of Kratos's whole {@code ctx} (possibly as {@code {"ctx": ...}});
 * both carry {@code identity} and {@code flow} at the top. Nothing else of the body is kept, so cookies, CSRF
 * tokens, {@code ui} nodes and request headers are dropped here and can never be published.
 *
 * @param identityId the identity ({@code identity.id})
 * @param identityUpdatedAt {@code identity.updated_at}, or {@code null} when absent or the zero time Kratos sends
 * before persistence
 * @param flowId {@code flow.id}, or {@code null} when absent or zero
 */
record HookBody(IdentityId identityId, Instant identityUpdatedAt, UUID flowId) {

	private static final UUID ZERO_UUID = new UUID(0, 0);

	static HookBody parse(JsonNode body) {
		JsonNode root = (body != null && body.path("ctx").isObject()) ? body.get("ctx") : body;
		if (root == null || !root.isObject()) {
			throw new InvalidPayloadException("$", "must be a JSON object");
		}
		JsonNode identity = root.path("identity");
		if (!identity.isObject()) {
			throw new InvalidPayloadException("identity", "is required and must be an object");
		}
		IdentityId identityId = identityId(identity.path("id"));
		Instant updatedAt = timestamp(identity.path("updated_at"), "identity.updated_at");
		UUID flowId = optionalUuid(root.path("flow").path("id"), "flow.id");
		return new HookBody(identityId, updatedAt, flowId);
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
			Instant instant = Instant.parse(node.asString());
			// Kratos sends 0001-01-01T00:00:00Z for rows not yet persisted: not a real time
			return (instant.getEpochSecond() <= Instant.parse("0001-01-02T00:00:00Z").getEpochSecond()) ? null : instant;
		}
		catch (DateTimeParseException ex) {
			throw new InvalidPayloadException(field, "is not an RFC 3339 timestamp");
		}
	}

}
