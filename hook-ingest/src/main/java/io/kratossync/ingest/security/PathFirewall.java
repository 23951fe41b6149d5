package io.kratossync.ingest.security;

import io.kratossync.support.CanonicalPath;
import io.kratossync.support.Problems;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * The first thing every request meets, before any realm or route is matched: a path that is not in its one
 * canonical spelling ({@link CanonicalPath}: no percent-encoding, matrix parameters, dot or empty segments,
 * backslashes) is refused with 400, so that the security rules and the router can never read one request as two
 * different paths; and actuator paths on an application port are 404, since they are served on the management
 * port only.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class PathFirewall implements WebFilter {

	private final ProblemResponses problems;

	private final ManagementPort management;

	PathFirewall(ProblemResponses problems, ManagementPort management) {
		this.problems = problems;
		this.management = management;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String raw = exchange.getRequest().getURI().getRawPath();
		String problem = CanonicalPath.problem(raw);
		if (problem != null) {
			return this.problems.write(exchange, Problems.of(HttpStatus.BAD_REQUEST, "non-canonical-path",
					"The path is not in canonical form",
					"The request path is refused (" + problem + "); send the path exactly as documented"),
					"non_canonical_path");
		}
		if ((raw.equals("/actuator") || raw.startsWith("/actuator/")) && !this.management.isManagement(exchange)) {
			return this.problems.write(exchange, Problems.of(HttpStatus.NOT_FOUND, "not-found", "Not found",
					"Probes and metrics are served on the management port only"), "not_found");
		}
		return chain.filter(exchange);
	}

}
