package io.kratossync.ingest.security;

import io.kratossync.support.RejectionLog;
import io.kratossync.support.RequestGate;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * Counts every request to the webhook port by realm, outcome and reason
 * ({@code kratos_sync_requests_total{kind= "webhook|admin|other",
 * outcome="accepted|rejected|failed", reason}}), from the status it was answered with or
 * the reason a filter gave; refusals are also logged, summarised ({@link RejectionLog}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestMetricsWebFilter implements WebFilter {

	private final RequestGate gate;

	RequestMetricsWebFilter(RequestGate gate) {
		this.gate = gate;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (SecurityConfiguration.onManagementPort(exchange, this.gate)) {
			return chain.filter(exchange);
		}
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		String kind = path.startsWith("/hooks/") || path.startsWith("/api/kratos/hooks/") ? "webhook"
				: path.startsWith("/admin/") ? "admin" : "other";
		return chain.filter(exchange).doFinally((signal) -> {
			HttpStatusCode status = exchange.getResponse().getStatusCode();
			this.gate.answered(kind, (status != null) ? status.value() : 500,
					exchange.getAttribute(ProblemResponses.REASON_ATTRIBUTE), exchange.getRequest().getMethod().name(),
					exchange.getRequest().getURI().getRawPath());
		});
	}

}
