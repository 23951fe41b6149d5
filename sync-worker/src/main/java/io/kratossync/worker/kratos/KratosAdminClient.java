package io.kratossync.worker.kratos;

import java.time.Duration;
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
	static final Duration MAX_RETRY_AFTER = KratosTransport.MAX_RETRY_AFTER;

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

	static Duration retryAfter(String value) {
		return KratosTransport.retryAfter(value);
	}

}
