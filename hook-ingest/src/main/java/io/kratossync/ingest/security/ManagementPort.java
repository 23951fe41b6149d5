package io.kratossync.ingest.security;

import org.springframework.core.env.Environment;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Tells requests to the management port (actuator: probes and metrics) from requests to the application port, by
 * the local port the request came in on. The port is the one the management server really listens on
 * ({@code local.management.port}, also when it was configured as 0).
 */
@Component
class ManagementPort {

	private final Environment environment;

	ManagementPort(Environment environment) {
		this.environment = environment;
	}

	/**
	 * @param exchange the exchange
	 * @return whether it arrived on the management port
	 */
	boolean isManagement(ServerWebExchange exchange) {
		Integer port = this.environment.getProperty("local.management.port", Integer.class);
		if (port == null || port <= 0) {
			return false;
		}
		var local = exchange.getRequest().getLocalAddress();
		return local != null && local.getPort() == port;
	}

	/** @return a matcher of the requests on the management port */
	ServerWebExchangeMatcher matcher() {
		return (exchange) -> isManagement(exchange) ? ServerWebExchangeMatcher.MatchResult.match()
				: ServerWebExchangeMatcher.MatchResult.notMatch();
	}

	/** @return a matcher of the requests on an application port */
	ServerWebExchangeMatcher notManagement() {
		return (exchange) -> isManagement(exchange) ? ServerWebExchangeMatcher.MatchResult.notMatch()
				: ServerWebExchangeMatcher.MatchResult.match();
	}

}
