package io.kratossync.worker.kratos;

import java.util.UUID;

import io.kratossync.worker.system.WorkerProperties;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Calls Kratos's Admin API. Self-hosted Kratos has no auth on the admin port; Ory Network wants a bearer API key.
 */
@Component
class KratosAdminClient {

	/** The result of one call. */
	enum Result {

		/** The sessions are gone: 204 (deleted) or 404 (there were none, or a retry after success). */
		DONE,

		/** Kratos refused the request as malformed (400): retrying cannot help. */
		REJECTED,

		/** A transport error, timeout, 429 or 5xx: worth retrying later. */
		RETRY

	}

	/**
	 * The outcome of a call.
	 *
	 * @param result what it means
	 * @param detail status or error, for the log and the outbox row
	 */
	record Outcome(Result result, String detail) {
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
	 * {@code DELETE /admin/identities/{id}/sessions}: revokes (deletes) every session of the identity.
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
					return new Outcome(Result.RETRY, "HTTP " + status);
				});
		}
		catch (RuntimeException ex) {
			return new Outcome(Result.RETRY, KratosTransport.describe(ex));
		}
	}

}
