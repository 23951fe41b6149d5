package io.kratossync.worker.security;

import java.io.IOException;

import io.kratossync.support.CanonicalPath;
import io.kratossync.support.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The first thing every request to the read API meets, before any realm or route is matched: a path that is not
 * in its one canonical spelling ({@link CanonicalPath}) is refused with 400, so that the security rules and the
 * router can never read one request as two different paths; actuator paths on the application port are 404,
 * since they are served on the management port only.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class PathFirewall extends OncePerRequestFilter {

	private final ProblemResponses problems;

	private final ManagementPort management;

	PathFirewall(ProblemResponses problems, ManagementPort management) {
		this.problems = problems;
		this.management = management;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String raw = request.getRequestURI();
		String problem = CanonicalPath.problem(raw);
		if (problem != null) {
			this.problems.write(request, response, Problems.of(HttpStatus.BAD_REQUEST, "non-canonical-path",
					"The path is not in canonical form",
					"The request path is refused (" + problem + "); send the path exactly as documented"),
					"non_canonical_path");
			return;
		}
		if ((raw.equals("/actuator") || raw.startsWith("/actuator/")) && !this.management.isManagement(request)) {
			this.problems.write(request, response, Problems.of(HttpStatus.NOT_FOUND, "not-found", "Not found",
					"Probes and metrics are served on the management port only"), "not_found");
			return;
		}
		chain.doFilter(request, response);
	}

}
