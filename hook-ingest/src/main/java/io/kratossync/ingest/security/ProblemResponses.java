package io.kratossync.ingest.security;

import java.nio.charset.StandardCharsets;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * Writes a refusal as {@code application/problem+json} from a filter, before any handler
 * or body reader ran, and notes the reason for the request metrics
 * ({@link #REASON_ATTRIBUTE}).
 */
@Component
class ProblemResponses {

	/**
	 * Exchange attribute naming why the request was refused, for
	 * {@code kratos_sync_requests_total}.
	 */
	public static final String REASON_ATTRIBUTE = ProblemResponses.class.getName() + ".reason";

	/** Exchange attribute naming the realm of the request's path. */
	public static final String REALM_ATTRIBUTE = ProblemResponses.class.getName() + ".realm";

	private final JsonMapper json;

	ProblemResponses(JsonMapper json) {
		this.json = json;
	}

	/**
	 * Answers the exchange with the problem.
	 * @param exchange the exchange
	 * @param problem the problem
	 * @param reason the reason for the metrics, e.g. {@code unauthenticated}
	 * @return completion
	 */
	Mono<Void> write(ServerWebExchange exchange, ProblemDetail problem, String reason) {
		exchange.getAttributes().put(REASON_ATTRIBUTE, reason);
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.empty();
		}
		response.setStatusCode(HttpStatus.valueOf(problem.getStatus()));
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		response.getHeaders().setCacheControl("no-store");
		if (problem.getStatus() == HttpStatus.UNAUTHORIZED.value()) {
			response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"kratos-sync\"");
		}
		byte[] bytes = this.json.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
	}

}
