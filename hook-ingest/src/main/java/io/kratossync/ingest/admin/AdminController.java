package io.kratossync.ingest.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityId;
import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.events.Uuids;
import io.kratossync.ingest.publish.EventPublisher;
import io.kratossync.ingest.system.IngestProperties;
import io.kratossync.ingest.web.Accepted;
import io.kratossync.ingest.web.InvalidPayloadException;
import io.kratossync.support.FailureDigest;
import io.kratossync.support.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Admin actions, behind their own credential. Requiring a password change reads Kratos's
 * own time of the identity's password credential, then publishes
 * {@code kratos.identity.password_change_required} carrying it; the worker sets the flag
 * and revokes the identity's sessions. An identity Kratos does not know is 404; a Kratos
 * that cannot be asked is 503 with {@code Retry-After}.
 */
@RestController
class AdminController {

	private static final Logger log = LoggerFactory.getLogger(AdminController.class);

	static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

	private final EventPublisher publisher;

	private final Clock clock;

	private final KratosIdentities kratos;

	private final IngestProperties properties;

	/** Kratos away: one line, then a summary a minute. */
	private final FailureDigest kratosDown = new FailureDigest("admin requests Kratos could not answer",
			Duration.ofMinutes(1), System::nanoTime, log::warn);

	AdminController(EventPublisher publisher, Clock clock, KratosIdentities kratos, IngestProperties properties) {
		this.publisher = publisher;
		this.clock = clock;
		this.kratos = kratos;
		this.properties = properties;
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
		UUID eventId = eventId(identityId, idempotencyKey);
		// Kratos's own time of the password it would have to beat, read now: one clock
		// decides what satisfies it
		return this.kratos.passwordSetAt(identityId).flatMap((passwordSetAt) -> {
			Instant now = this.clock.instant();
			EventEnvelope envelope = new EventEnvelope(eventId, "/kratos-sync/hook-ingest/admin", now,
					new PasswordChangeRequired(identityId, now, reason, passwordSetAt));
			return this.publisher.publish(envelope, headers)
				.map((published) -> ResponseEntity.status(HttpStatus.ACCEPTED)
					.body(new Accepted(eventId, envelope.type().ceType(), identityId.toString())));
		});
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unknownIdentity(KratosIdentities.UnknownIdentityException ex) {
		ProblemDetail problem = Problems.of(HttpStatus.NOT_FOUND, "unknown-identity", "Unknown identity",
				ex.getMessage());
		return ResponseEntity.status(problem.getStatus()).body(problem);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> kratosUnavailable(KratosIdentities.KratosUnavailableException ex) {
		this.kratosDown.failed("kratos unavailable",
				"Cannot require a password change now: " + ex.getMessage() + "; answering 503");
		ProblemDetail problem = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "kratos-unavailable",
				"Kratos is unavailable", "Kratos's Admin API could not tell the identity's password time; retry later");
		return ResponseEntity.status(problem.getStatus())
			.header(HttpHeaders.RETRY_AFTER, Long.toString(this.properties.retryAfter().toSeconds()))
			.body(problem);
	}

	/**
	 * A caller's {@code Idempotency-Key} makes a stable event id, so repeating the
	 * request (after a timeout, say) is one event; without it every request is a new
	 * event.
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
