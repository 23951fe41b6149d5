package io.kratossync.worker.kratos;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import io.kratossync.support.Causes;
import io.kratossync.worker.system.WorkerProperties;

import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.modulith.NamedInterface;
import org.springframework.stereotype.Component;

/**
 * The HTTP transport to Kratos, with the configured connect and read timeouts, shared by
 * both clients.
 */
@Component
@NamedInterface("api")
public class KratosTransport {

	/** The longest {@code Retry-After} obeyed. */
	public static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

	private final JdkClientHttpRequestFactory requestFactory;

	public KratosTransport(WorkerProperties properties) {
		HttpClient client = HttpClient.newBuilder()
			.connectTimeout(properties.kratos().connectTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.version(HttpClient.Version.HTTP_1_1)
			.build();
		this.requestFactory = new JdkClientHttpRequestFactory(client);
		this.requestFactory.setReadTimeout(properties.kratos().readTimeout());
	}

	public ClientHttpRequestFactory requestFactory() {
		return this.requestFactory;
	}

	/**
	 * Reads a {@code Retry-After} header: delay seconds or an HTTP date.
	 * @param value the header, or {@code null}
	 * @return the wait, at most {@link #MAX_RETRY_AFTER}; {@code null} when absent or
	 * unreadable
	 */
	public static Duration retryAfter(String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		Duration wait;
		try {
			wait = Duration.ofSeconds(Long.parseLong(value.trim()));
		}
		catch (NumberFormatException notSeconds) {
			try {
				wait = Duration.between(ZonedDateTime.now(),
						ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
			}
			catch (DateTimeParseException notADate) {
				return null;
			}
		}
		if (wait.isNegative()) {
			return Duration.ZERO;
		}
		return (wait.compareTo(MAX_RETRY_AFTER) > 0) ? MAX_RETRY_AFTER : wait;
	}

	/**
	 * A one-line description of a failed call, without request details (which may hold
	 * credentials).
	 * @param ex the failure
	 * @return the description
	 */
	public static String describe(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof ConnectException) {
				return "connection refused: is Kratos running there?";
			}
			if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException) {
				return "timed out";
			}
			if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
				return "unknown host";
			}
			if (t == t.getCause()) {
				break;
			}
		}
		return Causes.describeRoot(ex);
	}

}
