package io.kratossync.ingest.system;

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
 * Counts every webhook and admin request by outcome and reason, in one place, from the status it was answered
 * with: {@code kratos_sync_requests_total{kind="webhook|admin", outcome="accepted|rejected|failed",
 * reason="..."}}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestMetricsWebFilter implements WebFilter {

	private final MeterRegistry meters;

	RequestMetricsWebFilter(MeterRegistry meters) {
		this.meters = meters;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		String kind = path.startsWith("/hooks/") || path.startsWith("/api/kratos/hooks/") ? "webhook"
				: path.startsWith("/admin/") ? "admin" : null;
		if (kind == null) {
			return chain.filter(exchange);
		}
		return chain.filter(exchange).doFinally((signal) -> {
			HttpStatusCode status = exchange.getResponse().getStatusCode();
			int code = (status != null) ? status.value() : 500;
			this.meters
				.counter("kratos_sync_requests", "kind", kind, "outcome",
						(code < 300) ? "accepted" : (code < 500) ? "rejected" : "failed", "reason", reason(code))
				.increment();
		});
	}

	private static String reason(int status) {
		return switch (status) {
			case 200, 201, 202 -> "published";
			case 400 -> "malformed";
			case 401 -> "unauthenticated";
			case 404 -> "unknown_hook_point";
			case 405 -> "method_not_allowed";
			case 413 -> "too_large";
			case 415 -> "unsupported_media_type";
			case 422 -> "invalid_payload";
			case 503 -> "broker_unavailable";
			default -> "status_" + status;
		};
	}

}
