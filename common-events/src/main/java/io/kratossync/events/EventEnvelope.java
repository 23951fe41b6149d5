package io.kratossync.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An event with its CloudEvents context attributes. On Kafka the attributes travel as
 * {@code ce_*} headers (CloudEvents 1.0 Kafka binary binding), the data as the JSON
 * record value and the identity id as the key.
 *
 * @param id the event id ({@code ce_id}): stable for one change, so duplicates can be
 * recognised
 * @param source where the event came from ({@code ce_source}), e.g.
 * {@code /kratos-sync/hook-ingest/settings/password}
 * @param time when the event was made ({@code ce_time}); the time of the change itself is
 * in the data
 * @param data the event
 */
public record EventEnvelope(UUID id, String source, Instant time, IdentityEvent data) {

	public EventEnvelope {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(source, "source");
		Objects.requireNonNull(time, "time");
		Objects.requireNonNull(data, "data");
		if (source.isBlank()) {
			throw new IllegalArgumentException("source must not be blank");
		}
	}

	/**
	 * The event type ({@code ce_type}).
	 * @return the type
	 */
	public EventType type() {
		return this.data.type();
	}

	/**
	 * The identity the event is about: the record key and {@code ce_subject}.
	 * @return the identity id
	 */
	public IdentityId subject() {
		return this.data.identityId();
	}

}
