package io.kratossync.ingest.web;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.springframework.modulith.NamedInterface;

/**
 * The answer to an accepted request: the event that Kafka acknowledged.
 *
 * @param eventId the event id
 * @param type the event type
 * @param identityId the identity
 */
@NamedInterface("api")
public record Accepted(@JsonProperty("event_id") UUID eventId, @JsonProperty("type") String type,
		@JsonProperty("identity_id") String identityId) {
}
