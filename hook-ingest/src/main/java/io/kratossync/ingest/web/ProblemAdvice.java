package io.kratossync.ingest.web;

import io.kratossync.ingest.publish.PublishFailedException;
import io.kratossync.ingest.system.IngestProperties;
import io.kratossync.support.Problems;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

/**
 * Turns every failure into an {@code application/problem+json} answer: the classes of
 * this service here, the framework's own (415, 405, 400...) through
 * {@link ResponseEntityExceptionHandler}.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

	private final IngestProperties properties;

	ProblemAdvice(IngestProperties properties) {
		this.properties = properties;
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalidPayload(InvalidPayloadException ex) {
		ProblemDetail problem = Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-payload",
				"The request body is not what this endpoint expects", ex.getMessage());
		problem.setProperty("field", ex.field());
		return ResponseEntity.status(problem.getStatus()).body(problem);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> publishFailed(PublishFailedException ex) {
		ProblemDetail problem = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "broker-unavailable",
				"The event could not be made durable", "Kafka did not acknowledge the event in time; retry later");
		return ResponseEntity.status(problem.getStatus())
			.header(HttpHeaders.RETRY_AFTER, Long.toString(this.properties.retryAfter().toSeconds()))
			.body(problem);
	}

	@Override
	protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException ex,
			HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
		if (causedByLimit(ex)) {
			ProblemDetail problem = Problems.bodyTooLarge(this.properties.maxBodySize().toBytes());
			return Mono.just(ResponseEntity.status(problem.getStatus()).body(problem));
		}
		ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "malformed-body",
				"The request body is not valid JSON", "The request body could not be read as JSON");
		return Mono.just(ResponseEntity.status(problem.getStatus()).body(problem));
	}

	private static boolean causedByLimit(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof DataBufferLimitException) {
				return true;
			}
		}
		return false;
	}

}
