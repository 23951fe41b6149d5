package io.kratossync.worker.security;

import java.io.IOException;

import io.kratossync.support.RejectionLog;
import io.micrometer.core.instrument.MeterRegistry;
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
 * ({@code kratos_sync_requests_total{kind="read|end_user|other", outcome, reason}}), and logs refusals summarised
 * ({@link RejectionLog}) so that a flood of bad requests cannot flood the log.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestAccounting extends OncePerRequestFilter {

	private final MeterRegistry meters;

	private final ManagementPort management;

	private final RejectionLog rejections = new RejectionLog();

	RequestAccounting(MeterRegistry meters, ManagementPort management) {
		this.meters = meters;
		this.management = management;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (this.management.isManagement(request)) {
			chain.doFilter(request, response);
			return;
		}
		try {
			chain.doFilter(request, response);
		}
		finally {
			String path = request.getRequestURI();
			String kind = path.startsWith("/api/identities/") ? "read" : path.startsWith("/api/me/") ? "end_user" : "other";
			int status = response.getStatus();
			Object given = request.getAttribute(ProblemResponses.REASON_ATTRIBUTE);
			String reason = (given != null) ? given.toString() : reason(status);
			this.meters
				.counter("kratos_sync_requests", "kind", kind, "outcome",
						(status < 300) ? "accepted" : (status < 500) ? "rejected" : "failed", "reason", reason)
				.increment();
			if (status >= 400 && status < 500) {
				this.rejections.rejected(kind, reason, request.getMethod(), path);
			}
		}
	}

	private static String reason(int status) {
		return switch (status) {
			case 200 -> "answered";
			case 400 -> "malformed";
			case 401 -> "unauthenticated";
			case 403 -> "forbidden";
			case 404 -> "not_found";
			case 405 -> "method_not_allowed";
			case 422 -> "invalid_identity_id";
			case 502 -> "kratos_unavailable";
			default -> "status_" + status;
		};
	}

}
