package io.kratossync.worker.security;

import java.io.IOException;

import io.kratossync.support.RejectionLog;
import io.kratossync.support.RequestGate;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts every request to the read API by realm, outcome and reason
 * ({@code kratos_sync_requests_total{kind="read|end_user|other", outcome, reason}});
 * refusals are also logged, summarised ({@link RejectionLog}), so that a flood of bad
 * requests cannot flood the log.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestAccounting extends OncePerRequestFilter {

	private final RequestGate gate;

	RequestAccounting(RequestGate gate) {
		this.gate = gate;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (this.gate.isManagementPort(request.getLocalPort())) {
			chain.doFilter(request, response);
			return;
		}
		try {
			chain.doFilter(request, response);
		}
		finally {
			String path = request.getRequestURI();
			String kind = path.startsWith("/api/identities/") ? "read"
					: path.startsWith("/api/me/") ? "end_user" : "other";
			Object reason = request.getAttribute(ProblemResponses.REASON_ATTRIBUTE);
			this.gate.answered(kind, response.getStatus(), (reason != null) ? reason.toString() : null,
					request.getMethod(), path);
		}
	}

}
