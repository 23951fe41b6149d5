package io.kratossync.worker.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

/**
 * Writes a refusal as {@code application/problem+json} from a filter, before any handler
 * ran, and notes the reason for {@link RequestAccounting}.
 */
@Component
class ProblemResponses {

	/** Request attribute naming why the request was refused. */
	static final String REASON_ATTRIBUTE = ProblemResponses.class.getName() + ".reason";

	private final JsonMapper json;

	ProblemResponses(JsonMapper json) {
		this.json = json;
	}

	void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem, String reason)
			throws IOException {
		request.setAttribute(REASON_ATTRIBUTE, reason);
		if (response.isCommitted()) {
			return;
		}
		response.setStatus(problem.getStatus());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
		byte[] bytes = this.json.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
		response.setContentLength(bytes.length);
		response.getOutputStream().write(bytes);
	}

}
