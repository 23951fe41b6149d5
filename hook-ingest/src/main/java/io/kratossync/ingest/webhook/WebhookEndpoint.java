package io.kratossync.ingest.webhook;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityEvent;
import io.kratossync.ingest.publish.EventPublisher;
import io.kratossync.ingest.publish.Published;
import io.kratossync.ingest.web.Accepted;
import io.kratossync.ingest.web.InvalidPayloadException;
import io.kratossync.support.Problems;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebInputException;

/**
 * Kratos after-hooks: one URL per hook point. Authenticate (done by the web filter), map,
 * publish, answer 202 once Kafka acknowledged.
 */
@RestController
class WebhookController {

	static final String TRIGGER_ID_HEADER = "Ory-Webhook-Trigger-ID";

	private final EventPublisher publisher;

	private final Clock clock;

	private final FutureClamp clamp;

	private final TriggerIds triggerIds;

	WebhookController(EventPublisher publisher, Clock clock, FutureClamp clamp, TriggerIds triggerIds) {
		this.publisher = publisher;
		this.clock = clock;
		this.clamp = clamp;
		this.triggerIds = triggerIds;
	}

	@PostMapping(path = "/hooks/kratos/{flow}/{method}", consumes = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<Accepted>> hook(@PathVariable String flow, @PathVariable String method,
			@RequestHeader HttpHeaders headers, @RequestBody byte[] body) {
		HookPoint point = HookPoint.of(flow, method).orElseThrow(() -> new UnknownHookPointException(flow, method));
		return handle(point, headers, body);
	}

	@PostMapping(path = "/hooks/kratos/{flow}", consumes = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<Accepted>> hook(@PathVariable String flow, @RequestHeader HttpHeaders headers,
			@RequestBody byte[] body) {
		HookPoint point = HookPoint.of(flow, null).orElseThrow(() -> new UnknownHookPointException(flow, null));
		return handle(point, headers, body);
	}

	/**
	 * The path that STING-style Kratos configurations already call; the same as
	 * {@code settings/password}.
	 */
	@PostMapping(path = "/api/kratos/hooks/password-changed", consumes = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<Accepted>> passwordChanged(@RequestHeader HttpHeaders headers, @RequestBody byte[] body) {
		return handle(HookPoint.of("settings", "password").orElseThrow(), headers, body);
	}

	private Mono<ResponseEntity<Accepted>> handle(HookPoint point, HttpHeaders headers, byte[] json) {
		Instant receivedAt = this.clock.instant();
		HookBody body = this.clamp.bound(HookBody.parse(tree(json)), point, receivedAt);
		IdentityEvent event;
		try {
			event = point.toEvent(body, receivedAt);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidPayloadException("$", ex.getMessage());
		}
		UUID id = this.triggerIds.eventId(point, headers.getFirst(TRIGGER_ID_HEADER), body);
		EventEnvelope envelope = new EventEnvelope(id, "/kratos-sync/hook-ingest/" + point.path(), this.clock.instant(),
				event);
		return this.publisher.publish(envelope, headers).map(WebhookController::accepted);
	}

	/**
	 * The parts of the body that events need (see {@link WebhookJson}); 400 when it is
	 * not JSON.
	 */
	private static JsonNode tree(byte[] json) {
		try {
			return WebhookJson.read(json);
		}
		catch (JacksonException ex) {
			throw new ServerWebInputException("The request body could not be read as JSON", null, ex);
		}
	}

	static ResponseEntity<Accepted> accepted(Published published) {
		EventEnvelope event = published.event();
		return ResponseEntity.status(HttpStatus.ACCEPTED)
			.body(new Accepted(event.id(), event.type().ceType(), event.subject().toString()));
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unknownHookPoint(UnknownHookPointException ex) {
		ProblemDetail problem = Problems.of(HttpStatus.NOT_FOUND, "unknown-hook-point", "Unknown hook point",
				ex.getMessage());
		return ResponseEntity.status(problem.getStatus()).body(problem);
	}

}
