package io.kratossync.support;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * What both services decide about a request before any realm or route is matched, and how
 * they account for it afterwards: the path firewall (one canonical spelling; actuator
 * only on the management port), and the count and log of every answer
 * ({@code kratos_sync_requests_total}, {@link RejectionLog}). The reactive and the
 * servlet filters of the two services are thin adapters around this.
 */
public final class RequestGate {

	private final Environment environment;

	private final MeterRegistry meters;

	private final RejectionLog rejections = new RejectionLog();

	private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

	/**
	 * The management port as its server last announced it
	 * ({@link #managementPortStarted}), 0 until then: the filters ask for every request,
	 * and reading it from the environment goes through every property source.
	 */
	private volatile int managementPort;

	/**
	 * @param environment where the management port really listened is read from
	 * ({@code local.management.port})
	 * @param meters where requests are counted
	 */
	public RequestGate(Environment environment, MeterRegistry meters) {
		this.environment = environment;
		this.meters = meters;
	}

	/**
	 * Refuses to start with the actuator beside the application's routes.
	 * @param serverPort the application port ({@code server.port}; 0: a random one)
	 * @param managementPort the management port ({@code management.server.port}; -1: not
	 * set)
	 * @param application what the application port serves, for the message, e.g.
	 * {@code the webhooks}
	 */
	public static void requireOwnManagementPort(int serverPort, int managementPort, String application) {
		if (managementPort < 0 || (managementPort == serverPort && serverPort != 0)) {
			throw new IllegalStateException("Refusing to start: the management port (MANAGEMENT_PORT, "
					+ "management.server.port) must be set and differ from the port of " + application
					+ ", so that probes and metrics are never served beside " + application);
		}
	}

	/**
	 * @param localPort the local port a request arrived on
	 * @return whether that is the management port (probes and metrics)
	 */
	public boolean isManagementPort(int localPort) {
		int known = this.managementPort;
		if (known > 0) {
			return localPort == known;
		}
		Integer port = this.environment.getProperty("local.management.port", Integer.class);
		return port != null && port > 0 && localPort == port;
	}

	/**
	 * Notes the port the management server now listens on (it may change when the server
	 * is stopped and started again, e.g. on port 0).
	 * @param port the port
	 */
	public void managementPortStarted(int port) {
		this.managementPort = port;
	}

	/**
	 * The refusal of a request by its raw path, before anything else reads it.
	 * @param rawPath the path as sent
	 * @param onManagementPort whether it arrived on the management port
	 * @return the problem to answer, or {@code null} to let it through
	 */
	public ProblemDetail refusal(String rawPath, boolean onManagementPort) {
		String problem = CanonicalPath.problem(rawPath);
		if (problem != null) {
			return Problems.of(HttpStatus.BAD_REQUEST, "non-canonical-path", "The path is not in canonical form",
					"The request path is refused (" + problem + "); send the path exactly as documented");
		}
		if ((rawPath.equals("/actuator") || rawPath.startsWith("/actuator/")) && !onManagementPort) {
			return Problems.of(HttpStatus.NOT_FOUND, "not-found", "Not found",
					"Probes and metrics are served on the management port only");
		}
		return null;
	}

	/**
	 * The reason of the metrics for a refusal by {@link #refusal}.
	 * @param problem the problem
	 * @return {@code non_canonical_path} or {@code not_found}
	 */
	public static String reasonOf(ProblemDetail problem) {
		return (problem.getStatus() == HttpStatus.BAD_REQUEST.value()) ? "non_canonical_path" : "not_found";
	}

	/**
	 * Counts an answered request and logs it, summarised, when it was refused.
	 * @param kind the realm of its path, e.g. {@code webhook}; {@code other} outside
	 * every realm
	 * @param status the status answered
	 * @param reason the reason a filter gave, or {@code null} to derive it from the
	 * status
	 * @param method the HTTP method
	 * @param rawPath the path as sent
	 */
	public void answered(String kind, int status, String reason, String method, String rawPath) {
		String why = (reason != null) ? reason : reasonOf(status);
		String outcome = (status < 300) ? "accepted" : (status < 500) ? "rejected" : "failed";
		this.counters
			.computeIfAbsent(kind + '|' + outcome + '|' + why,
					(key) -> Counter.builder("kratos_sync_requests")
						.description("Requests by realm, outcome and reason")
						.tag("kind", kind)
						.tag("outcome", outcome)
						.tag("reason", why)
						.register(this.meters))
			.increment();
		if (status >= 400 && status < 500) {
			this.rejections.rejected(kind, why, method, rawPath);
		}
	}

	private static String reasonOf(int status) {
		return switch (status) {
			case 200, 201, 202 -> "accepted";
			case 400 -> "malformed";
			case 401 -> "unauthenticated";
			case 403 -> "forbidden";
			case 404 -> "not_found";
			case 405 -> "method_not_allowed";
			case 413 -> "too_large";
			case 415 -> "unsupported_media_type";
			case 422 -> "invalid_payload";
			case 502 -> "kratos_unavailable";
			case 503 -> "broker_unavailable";
			default -> "status_" + status;
		};
	}

}
