package io.kratossync.worker.security;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.env.Environment;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.stereotype.Component;

/**
 * Tells requests to the management port (actuator: probes and metrics) from requests to the application port, by
 * the local port the request came in on ({@code local.management.port}, the port really listened on).
 */
@Component
class ManagementPort {

	private final Environment environment;

	ManagementPort(Environment environment) {
		this.environment = environment;
	}

	boolean isManagement(HttpServletRequest request) {
		Integer port = this.environment.getProperty("local.management.port", Integer.class);
		return port != null && port > 0 && request.getLocalPort() == port;
	}

	/** @return a matcher of the requests on the management port */
	RequestMatcher matcher() {
		return this::isManagement;
	}

}
