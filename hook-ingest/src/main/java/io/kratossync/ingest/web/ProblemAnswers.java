package io.kratossync.ingest.web;

import io.kratossync.ingest.publish.PublishFailedException;
import io.kratossync.ingest.system.IngestProperties;
import io.kratossync.support.Problems;

import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.modulith.NamedInterface;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebInputException;

/**
 * The {@code application/problem+json} answer to each failure that this service's
 * endpoints share: a body that is not what the endpoint expects (422), a body that is not
 * JSON or cannot be read (400), a body over the cap (413), an event Kafka did not
 * acknowledge (503 with {@code Retry-After}). One mapping for the annotated admin
 * endpoints ({@link ProblemAdvice}) and the functional webhook endpoint.
 */
@Component
@NamedInterface("api")
public class ProblemAnswers {

	private final IngestProperties properties;

	ProblemAnswers(IngestProperties properties) {
		this.properties = properties;
	}

	/**
	 * @param failure what went wrong
	 * @return its answer, or {@code null} when it is none of the failures above
	 */
	public ResponseEntity<ProblemDetail> answer(Throwable failure) {
		if (failure instanceof InvalidPayloadException invalid) {
			return invalidPayload(invalid);
		}
		if (failure instanceof PublishFailedException) {
			return publishFailed();
		}
		if (causedByLimit(failure)) {
			return answer(Problems.bodyTooLarge(this.properties.maxBodySize().toBytes()));
		}
		if (failure instanceof ServerWebInputException || failure instanceof DecodingException) {
			return unreadableBody();
		}
		return null;
	}

	private static ResponseEntity<ProblemDetail> invalidPayload(InvalidPayloadException ex) {
		ProblemDetail problem = Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-payload",
				"The request body is not what this endpoint expects", ex.getMessage());
		problem.setProperty("field", ex.field());
		return answer(problem);
	}

	private ResponseEntity<ProblemDetail> publishFailed() {
		ProblemDetail problem = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "broker-unavailable",
				"The event could not be made durable", "Kafka did not acknowledge the event in time; retry later");
		return ResponseEntity.status(problem.getStatus())
			.header(HttpHeaders.RETRY_AFTER, Long.toString(this.properties.retryAfter().toSeconds()))
			.body(problem);
	}

	private static ResponseEntity<ProblemDetail> unreadableBody() {
		return answer(Problems.of(HttpStatus.BAD_REQUEST, "malformed-body", "The request body is not valid JSON",
				"The request body could not be read as JSON"));
	}

	/**
	 * @param problem a problem
	 * @return the answer with the problem's status
	 */
	public static ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
		return ResponseEntity.status(problem.getStatus()).body(problem);
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
