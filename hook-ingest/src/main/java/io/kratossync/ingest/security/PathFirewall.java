package io.kratossync.ingest.security;

import io.kratossync.support.CanonicalPath;
import io.kratossync.support.RequestGate;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * The first thing every request meets, before any realm or route is matched: a path that
 * is not in its one canonical spelling ({@link CanonicalPath}: no percent-encoding,
 * matrix parameters, dot or empty segments, backslashes) is refused with 400, so that the
 * security rules and the router can never read one request as two different paths; and
 * actuator paths on an application port are 404, since they are served on the management
 * port only ({@link RequestGate#refusal}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class PathFirewall implements WebFilter {

	private final ProblemResponses problems;

	private final RequestGate gate;

	PathFirewall(ProblemResponses problems, RequestGate gate) {
		this.problems = problems;
		this.gate = gate;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ProblemDetail refusal = this.gate.refusal(exchange.getRequest().getURI().getRawPath(),
				SecurityConfiguration.onManagementPort(exchange, this.gate));
		if (refusal != null) {
			return this.problems.write(exchange, refusal, RequestGate.reasonOf(refusal));
		}
		return chain.filter(exchange);
	}

}
