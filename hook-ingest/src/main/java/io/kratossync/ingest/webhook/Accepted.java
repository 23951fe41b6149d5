package io.kratossync.ingest.webhook;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer to an accepted request: the event that Kafka acknowledged.
 *
 * @param eventId the event id
 * @param type the event type
 * @param identityId the identity
 */
public record Accepted(@JsonProperty("event_id") UUID eventId, @JsonProperty("type") String type,
		@JsonProperty("identity_id") String identityId) {
}
