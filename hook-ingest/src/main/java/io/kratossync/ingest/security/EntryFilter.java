package io.kratossync.ingest.security;

import java.util.List;

import io.kratossync.support.CanonicalPath;
import io.kratossync.support.RejectionLog;
import io.kratossync.support.RequestGate;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * The first thing every request meets, before any realm or route is matched:
 * <ul>
 * <li>a path that is not in its one canonical spelling ({@link CanonicalPath}: no
 * percent-encoding, matrix parameters, dot or empty segments, backslashes) is refused
 * with 400, so that the security rules and the router can never read one request as two
 * different paths; actuator paths on an application port are 404, since they are served
 * on the management port only ({@link RequestGate#refusal});</li>
 * <li>every answer carries the browser protection headers ({@link SecurityHeaders});</li>
 * <li>every request to the webhook port, refused here or further on, is counted by realm
 * (the realm its path belongs to, by the same patterns the security rules use), outcome
 * and reason ({@code kratos_sync_requests_total{kind="webhook|admin|other",
 * outcome="accepted|rejected|failed", reason}}), from the status it was answered with or
 * the reason a filter gave; refusals are also logged, summarised
 * ({@link RejectionLog}).</li>
 * </ul>
 * One filter, not three: each filter of the chain is a layer of operators every request
 * goes through, with a checkpoint named for it (README "Performance").
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class EntryFilter implements WebFilter {

	private final ProblemResponses problems;

	private final RequestGate gate;

	private final List<Realm> realms;

	EntryFilter(ProblemResponses problems, RequestGate gate, List<Realm> realms) {
		this.problems = problems;
		this.gate = gate;
		this.realms = realms;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		exchange.getResponse().beforeCommit(() -> {
			SecurityHeaders.write(exchange);
			return Mono.empty();
		});
		boolean management = SecurityConfiguration.onManagementPort(exchange, this.gate);
		String rawPath = exchange.getRequest().getURI().getRawPath();
		ProblemDetail refusal = this.gate.refusal(rawPath, management);
		Mono<Void> answer = (refusal != null) ? this.problems.write(exchange, refusal, RequestGate.reasonOf(refusal))
				: chain.filter(exchange);
		if (management) {
			return answer;
		}
		Realm realm = SecurityConfiguration.realmOf(exchange, this.realms);
		String kind = (realm != null) ? realm.name() : "other";
		return answer.doFinally((signal) -> {
			HttpStatusCode status = exchange.getResponse().getStatusCode();
			this.gate.answered(kind, (status != null) ? status.value() : 500,
					exchange.getAttribute(ProblemResponses.REASON_ATTRIBUTE), exchange.getRequest().getMethod().name(),
					rawPath);
		});
	}

}
