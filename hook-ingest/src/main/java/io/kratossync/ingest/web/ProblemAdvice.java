package io.kratossync.ingest.web;

import io.kratossync.ingest.publish.PublishFailedException;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

/**
 * Turns every failure of the annotated endpoints into an {@code application/problem+json}
 * answer: the classes of this service through {@link ProblemAnswers}, the framework's own
 * (415, 405, 400...) through {@link ResponseEntityExceptionHandler}.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

	private final ProblemAnswers answers;

	ProblemAdvice(ProblemAnswers answers) {
		this.answers = answers;
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalidPayload(InvalidPayloadException ex) {
		return this.answers.answer(ex);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> publishFailed(PublishFailedException ex) {
		return this.answers.answer(ex);
	}

	@Override
	protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException ex,
			HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
		ResponseEntity<ProblemDetail> answer = this.answers.answer(ex);
		return Mono.just(ResponseEntity.status(answer.getStatusCode()).body(answer.getBody()));
	}

}
