package io.kratossync.worker.kratos;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.UUID;

import io.kratossync.worker.system.WorkerProperties;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Calls Kratos's Admin API. Self-hosted Kratos has no auth on the admin port; Ory Network
 * wants a bearer API key.
 */
@Component
class KratosAdminClient {

	/** The longest {@code Retry-After} honoured; a longer one is cut to this. */
	static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

	/** The result of one call. */
	enum Result {

		/**
		 * The sessions are gone: 204 (deleted) or 404 (there were none, or a retry after
		 * success).
		 */
		DONE,

		/** Kratos refused the request as malformed (400): retrying cannot help. */
		REJECTED,

		/**
		 * Kratos refused our credentials (401 or 403): a configuration error (e.g. a
		 * wrong Ory Network token), retried once it is mended, and reported until then.
		 */
		UNAUTHORIZED,

		/** A transport error, timeout, 429 or 5xx: worth retrying later. */
		RETRY

	}

	/**
	 * The outcome of a call.
	 *
	 * @param result what it means
	 * @param detail status or error, for the log and the outbox row
	 * @param retryAfter how long Kratos asked us to wait ({@code Retry-After} of a 429 or
	 * 503), or {@code null}
	 */
	record Outcome(Result result, String detail, Duration retryAfter) {

		Outcome(Result result, String detail) {
			this(result, detail, null);
		}

	}

	private final RestClient admin;

	KratosAdminClient(RestClient.Builder builder, KratosTransport http, WorkerProperties properties) {
		WorkerProperties.Kratos kratos = properties.kratos();
		RestClient.Builder configured = builder.clone()
			.baseUrl(kratos.adminUrl().toString())
			.requestFactory(http.requestFactory());
		if (kratos.adminToken().isPresent()) {
			configured.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + kratos.adminToken().reveal());
		}
		this.admin = configured.build();
	}

	/**
	 * {@code DELETE /admin/identities/{id}/sessions}: revokes (deletes) every session of
	 * the identity.
	 * @param identityId the identity
	 * @return the outcome
	 */
	Outcome revokeSessions(UUID identityId) {
		try {
			return this.admin.delete()
				.uri("/admin/identities/{id}/sessions", identityId)
				.exchange((request, response) -> {
					int status = response.getStatusCode().value();
					if (status == 204 || status == 404) {
						return new Outcome(Result.DONE, "HTTP " + status);
					}
					if (status == 400) {
						return new Outcome(Result.REJECTED, "HTTP 400 (malformed identity id)");
					}
					if (status == 401 || status == 403) {
						return new Outcome(Result.UNAUTHORIZED, "HTTP " + status
								+ " (Kratos refused our credentials: check KRATOS_ADMIN_TOKEN and KRATOS_ADMIN_URL)");
					}
					return new Outcome(Result.RETRY, "HTTP " + status,
							retryAfter(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)));
				});
		}
		catch (RuntimeException ex) {
			return new Outcome(Result.RETRY, KratosTransport.describe(ex));
		}
	}

	/**
	 * Reads a {@code Retry-After} header: delay seconds or an HTTP date.
	 * @param value the header, or {@code null}
	 * @return the wait, at most {@link #MAX_RETRY_AFTER}; {@code null} when absent or
	 * unreadable
	 */
	static Duration retryAfter(String value) {
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

}
