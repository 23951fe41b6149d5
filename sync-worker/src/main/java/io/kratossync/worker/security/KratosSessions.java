package io.kratossync.worker.api;

import java.util.UUID;

import io.kratossync.worker.system.WorkerProperties;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Validates a caller's Kratos session through {@code GET /sessions/whoami} on Kratos's public API, forwarding
 * the session cookie or the {@code X-Session-Token} header and nothing else.
 */
@Component
class KratosSessions {

	/** What Kratos said of the session. */
	sealed interface Verdict {

		/** 200: an active session of this identity. */
		record Active(UUID identityId) implements Verdict {
		}

		/** 401: no valid session. */
		record Unauthenticated() implements Verdict {
		}

		/** 403: a session, but a higher authenticator assurance level (second factor) is required. */
		record NeedsSecondFactor() implements Verdict {
		}

		/** Kratos could not be asked, or answered something else. */
		record Unavailable(String detail) implements Verdict {
		}

	}

	private final RestClient kratosPublic;

	private final String cookieName;

	KratosSessions(RestClient.Builder builder, WorkerProperties properties,
			io.kratossync.worker.kratos.KratosTransport transport) {
		this.kratosPublic = builder.clone()
			.baseUrl(properties.kratos().publicUrl().toString())
			.requestFactory(transport.requestFactory())
			.build();
		this.cookieName = properties.kratos().sessionCookieName();
	}

	/**
	 * Asks Kratos whose session this is.
	 * @param sessionCookie the value of the session cookie, or {@code null}
	 * @param sessionToken the {@code X-Session-Token}, or {@code null}
	 * @return the verdict
	 */
	Verdict whoami(String sessionCookie, String sessionToken) {
		try {
			return this.kratosPublic.get().uri("/sessions/whoami").headers((headers) -> {
				if (sessionToken != null) {
					headers.set("X-Session-Token", sessionToken);
				}
				if (sessionCookie != null) {
					headers.set(HttpHeaders.COOKIE, this.cookieName + "=" + sessionCookie);
				}
			}).exchange((request, response) -> {
				int status = response.getStatusCode().value();
				if (status == 200) {
					JsonNode session = response.bodyTo(JsonNode.class);
					String id = (session != null) ? session.path("identity").path("id").asString(null) : null;
					return (id != null) ? new Verdict.Active(UUID.fromString(id))
							: new Verdict.Unavailable("whoami answered 200 without identity.id");
				}
				if (status == 401) {
					return new Verdict.Unauthenticated();
				}
				if (status == 403) {
					return new Verdict.NeedsSecondFactor();
				}
				return new Verdict.Unavailable("whoami answered HTTP " + status);
			});
		}
		catch (RuntimeException ex) {
			return new Verdict.Unavailable(io.kratossync.worker.kratos.KratosTransport.describe(ex));
		}
	}

}
