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
import io.kratossync.ingest.web.ProblemAnswers;
import io.kratossync.support.Problems;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebInputException;

/**
 * Kratos after-hooks: one URL per hook point. Authenticate (done by the web filter), map,
 * publish, answer 202 once Kafka acknowledged.
 * <p>
 * A functional endpoint rather than an annotated controller: the annotated handler's
 * mapping conditions, argument resolvers, binding context and content negotiation cost
 * about a tenth of the CPU per webhook (README "Performance"). So it answers here what
 * the framework answered for the controller: 405 for another method, 415 for a body that
 * is not {@code application/json}, 404 for an unknown hook point, and the shared failures
 * through {@link ProblemAnswers}; every answer but the 202 is
 * {@code application/problem+json}. The 202's body is written to bytes here, with the
 * application's mapper: the codec's JSON encoder took a new generator and its buffers for
 * each answer, a fifth of what the ingest allocated per webhook.
 */
@Configuration(proxyBeanMethods = false)
class WebhookEndpoint {

	static final String TRIGGER_ID_HEADER = "Ory-Webhook-Trigger-ID";

	/**
	 * The path that STING-style Kratos configurations already call; the same as
	 * {@code settings/password}.
	 */
	static final String STING_PATH = "/api/kratos/hooks/password-changed";

	private final EventPublisher publisher;

	private final Clock clock;

	private final FutureClamp clamp;

	private final TriggerIds triggerIds;

	private final ProblemAnswers answers;

	private final JsonMapper json;

	WebhookEndpoint(EventPublisher publisher, Clock clock, FutureClamp clamp, TriggerIds triggerIds,
			ProblemAnswers answers, JsonMapper json) {
		this.publisher = publisher;
		this.clock = clock;
		this.clamp = clamp;
		this.triggerIds = triggerIds;
		this.answers = answers;
		this.json = json;
	}

	@Bean
	RouterFunction<ServerResponse> webhookRoutes() {
		return RouterFunctions
			.route(RequestPredicates.path("/hooks/kratos/{flow}/{method}"),
					(request) -> hook(request, request.pathVariable("flow"), request.pathVariable("method")))
			.andRoute(RequestPredicates.path("/hooks/kratos/{flow}"),
					(request) -> hook(request, request.pathVariable("flow"), null))
			.andRoute(RequestPredicates.path(STING_PATH), (request) -> hook(request, "settings", "password"));
	}

	private Mono<ServerResponse> hook(ServerRequest request, String flow, String method) {
		return Mono.defer(() -> {
			if (request.method() != HttpMethod.POST) {
				return problem(ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED)
					.allow(HttpMethod.POST)
					.body(Problems.of(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed",
							"A hook point takes POST only")));
			}
			HookPoint point = HookPoint.of(flow, method).orElse(null);
			if (point == null) {
				return problem(ProblemAnswers.answer(Problems.of(HttpStatus.NOT_FOUND, "unknown-hook-point",
						"Unknown hook point",
						"no Kratos hook point " + flow + ((method != null) ? "/" + method : "") + " is handled here")));
			}
			if (!json(request)) {
				return problem(
						ProblemAnswers.answer(Problems.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
								"Unsupported media type", "Send the webhook body as Content-Type: application/json")));
			}
			return request.bodyToMono(byte[].class)
				.switchIfEmpty(Mono.error(() -> new ServerWebInputException("No request body")))
				.flatMap((body) -> handle(point, request.headers().asHttpHeaders(), body))
				.flatMap((published) -> ServerResponse.status(HttpStatus.ACCEPTED)
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(this.json.writeValueAsBytes(accepted(published))));
		}).onErrorResume((ex) -> {
			ResponseEntity<ProblemDetail> answer = this.answers.answer(ex);
			return (answer != null) ? problem(answer) : Mono.error(ex);
		});
	}

	/**
	 * @return whether the body is declared {@code application/json} (any parameters); a
	 * missing or unparseable {@code Content-Type} is not
	 */
	private static boolean json(ServerRequest request) {
		try {
			MediaType type = request.headers().contentType().orElse(null);
			return type != null && MediaType.APPLICATION_JSON.includes(type);
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

	private Mono<Published> handle(HookPoint point, HttpHeaders headers, byte[] json) {
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
		return this.publisher.publish(envelope, headers);
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

	static Accepted accepted(Published published) {
		EventEnvelope event = published.event();
		return new Accepted(event.id(), event.type().ceType(), event.subject().toString());
	}

	private static Mono<ServerResponse> problem(ResponseEntity<ProblemDetail> answer) {
		return ServerResponse.status(answer.getStatusCode())
			.headers((headers) -> headers.addAll(answer.getHeaders()))
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyValue(answer.getBody());
	}

}
