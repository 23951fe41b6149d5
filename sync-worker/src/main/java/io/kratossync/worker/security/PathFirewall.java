package io.kratossync.worker.security;

import java.io.IOException;

import io.kratossync.support.CanonicalPath;
import io.kratossync.support.RequestGate;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The first thing every request to the read API meets, before any realm or route is
 * matched: a path that is not in its one canonical spelling ({@link CanonicalPath}) is
 * refused with 400, so that the security rules and the router can never read one request
 * as two different paths; actuator paths on the application port are 404, since they are
 * served on the management port only ({@link RequestGate#refusal}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class PathFirewall extends OncePerRequestFilter {

	private final ProblemResponses problems;

	private final RequestGate gate;

	PathFirewall(ProblemResponses problems, RequestGate gate) {
		this.problems = problems;
		this.gate = gate;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		ProblemDetail refusal = this.gate.refusal(request.getRequestURI(),
				this.gate.isManagementPort(request.getLocalPort()));
		if (refusal != null) {
			this.problems.write(request, response, refusal, RequestGate.reasonOf(refusal));
			return;
		}
		chain.doFilter(request, response);
	}

}
