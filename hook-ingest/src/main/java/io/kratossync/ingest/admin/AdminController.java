package io.kratossync.ingest.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityId;
import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.events.Uuids;
import io.kratossync.ingest.publish.EventPublisher;
import io.kratossync.ingest.webhook.Accepted;
import io.kratossync.ingest.webhook.InvalidPayloadException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import reactor.core.publisher.Mono;

/**
 * Admin actions, behind their own credential. Requiring a password change publishes
 * {@code kratos.identity.password_change_required}; the worker sets the flag and revokes the identity's sessions.
 */
@RestController
class AdminController {

	static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

	private final EventPublisher publisher;

	private final Clock clock;

	AdminController(EventPublisher publisher, Clock clock) {
		this.publisher = publisher;
		this.clock = clock;
	}

	/**
	 * The optional body of a password-change requirement.
	 *
	 * @param reason a short reason kept for the audit trail
	 */
	record PasswordChangeRequest(@JsonProperty("reason") String reason) {
	}

	@PostMapping("/admin/identities/{id}/password-change-required")
	Mono<ResponseEntity<Accepted>> requirePasswordChange(@PathVariable String id,
			@RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
			@RequestHeader HttpHeaders headers, @RequestBody(required = false) PasswordChangeRequest request) {
		IdentityId identityId;
		try {
			identityId = IdentityId.parse(id);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidPayloadException("id", "in the path is not an identity id (a UUID)");
		}
		String reason = (request != null) ? request.reason() : null;
		if (reason != null && reason.length() > PasswordChangeRequired.MAX_REASON_LENGTH) {
			throw new InvalidPayloadException("reason",
					"is longer than " + PasswordChangeRequired.MAX_REASON_LENGTH + " characters");
		}
		Instant now = this.clock.instant();
		UUID eventId = eventId(identityId, idempotencyKey);
		EventEnvelope envelope = new EventEnvelope(eventId, "/kratos-sync/hook-ingest/admin", now,
				new PasswordChangeRequired(identityId, now, reason));
		return this.publisher.publish(envelope, headers)
			.map((published) -> ResponseEntity.status(HttpStatus.ACCEPTED)
				.body(new Accepted(eventId, envelope.type().ceType(), identityId.toString())));
	}

	/**
	 * A caller's {@code Idempotency-Key} makes a stable event id, so repeating the request (after a timeout, say)
	 * is one event; without it every request is a new event.
	 */
	private static UUID eventId(IdentityId identityId, String idempotencyKey) {
		if (idempotencyKey == null) {
			return UUID.randomUUID();
		}
		if (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
			throw new InvalidPayloadException("Idempotency-Key",
					"must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " characters");
		}
		return Uuids.nameBased("admin/password-change-required", identityId.toString(), idempotencyKey);
	}

}
