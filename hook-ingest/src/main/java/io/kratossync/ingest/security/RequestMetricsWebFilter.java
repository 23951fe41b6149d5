package io.kratossync.ingest.security;

import io.kratossync.support.RejectionLog;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * Counts every request to the application port by outcome and reason, in one place, from the status it was
 * answered with (or the reason a filter gave): {@code kratos_sync_requests_total{kind="webhook|admin|other",
 * outcome="accepted|rejected|failed", reason="..."}}. Refusals are also logged, summarised ({@link RejectionLog}),
 * so that a flood of bad requests cannot flood the log.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestMetricsWebFilter implements WebFilter {

	private final MeterRegistry meters;

	private final ManagementPort management;

	private final RejectionLog rejections = new RejectionLog();

	RequestMetricsWebFilter(MeterRegistry meters, ManagementPort management) {
		this.meters = meters;
		this.management = management;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (this.management.isManagement(exchange)) {
			return chain.filter(exchange);
		}
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		String kind = path.startsWith("/hooks/") || path.startsWith("/api/kratos/hooks/") ? "webhook"
				: path.startsWith("/admin/") ? "admin" : "other";
		return chain.filter(exchange).doFinally((signal) -> {
			HttpStatusCode status = exchange.getResponse().getStatusCode();
			int code = (status != null) ? status.value() : 500;
			String reason = exchange.getAttributeOrDefault(ProblemResponses.REASON_ATTRIBUTE, reason(code));
			String outcome = (code < 300) ? "accepted" : (code < 500) ? "rejected" : "failed";
			this.meters.counter("kratos_sync_requests", "kind", kind, "outcome", outcome, "reason", reason).increment();
			if (code >= 400 && code < 500) {
				this.rejections.rejected(kind, reason, exchange.getRequest().getMethod().name(),
						exchange.getRequest().getURI().getRawPath());
			}
		});
	}

	private static String reason(int status) {
		return switch (status) {
			case 200, 201, 202 -> "published";
			case 400 -> "malformed";
			case 401 -> "unauthenticated";
			case 403 -> "forbidden";
			case 404 -> "not_found";
			case 405 -> "method_not_allowed";
			case 413 -> "too_large";
			case 415 -> "unsupported_media_type";
			case 422 -> "invalid_payload";
			case 503 -> "broker_unavailable";
			default -> "status_" + status;
		};
	}

}
