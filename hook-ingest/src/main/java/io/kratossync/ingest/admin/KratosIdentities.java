package io.kratossync.ingest.admin;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import io.kratossync.events.IdentityId;
import io.kratossync.events.Timestamps;
import io.kratossync.ingest.system.IngestProperties;
import io.netty.channel.ChannelOption;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Reads, from Kratos's Admin API, the time Kratos itself gave the identity's password
 * credential ({@code GET /admin/identities/{id}}, without {@code include_credential}: the
 * credential's metadata comes without its hash). A requirement carries it, so that only a
 * password change Kratos made later satisfies it: one clock, Kratos's, decides.
 */
@Component
class KratosIdentities {

	/** The identity is not known to Kratos. */
	static final class UnknownIdentityException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		UnknownIdentityException(IdentityId id) {
			super("Kratos knows no identity " + id, null, false, false);
		}

	}

	/** Kratos could not be asked. */
	static final class KratosUnavailableException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		KratosUnavailableException(String detail, Throwable cause) {
			super(detail, cause, false, false);
		}

	}

	private final WebClient admin;

	KratosIdentities(IngestProperties properties) {
		IngestProperties.Kratos kratos = properties.kratos();
		HttpClient http = HttpClient.create()
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) kratos.connectTimeout().toMillis())
			.responseTimeout(kratos.readTimeout());
		WebClient.Builder configured = WebClient.builder()
			.baseUrl(kratos.adminUrl().toString())
			.clientConnector(new ReactorClientHttpConnector(http));
		if (kratos.adminToken().isPresent()) {
			configured.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + kratos.adminToken().reveal());
		}
		this.admin = configured.build();
	}

	/**
	 * The Kratos time of the identity's password credential
	 * ({@code credentials.password.updated_at}), or of the identity itself
	 * ({@code created_at}) when it has no password.
	 * @param id the identity
	 * @return the time; {@link UnknownIdentityException} for an identity Kratos does not
	 * know, {@link KratosUnavailableException} when Kratos cannot tell
	 */
	Mono<Instant> passwordSetAt(IdentityId id) {
		return this.admin.get().uri("/admin/identities/{id}", id.toString()).exchangeToMono((response) -> {
			if (response.statusCode().value() == HttpStatus.NOT_FOUND.value()) {
				return response.releaseBody().then(Mono.error(new UnknownIdentityException(id)));
			}
			if (!response.statusCode().is2xxSuccessful()) {
				return response.releaseBody()
					.then(Mono.error(new KratosUnavailableException(
							"Kratos's Admin API answered HTTP " + response.statusCode().value(), null)));
			}
			return response.bodyToMono(JsonNode.class).map(KratosIdentities::passwordTime);
		})
			.onErrorMap((ex) -> !(ex instanceof UnknownIdentityException || ex instanceof KratosUnavailableException),
					(ex) -> new KratosUnavailableException("Kratos's Admin API could not be asked", ex));
	}

	private static Instant passwordTime(JsonNode identity) {
		String password = identity.path("credentials").path("password").path("updated_at").asString(null);
		String created = identity.path("created_at").asString(null);
		try {
			if (password != null) {
				return Timestamps.parse(password);
			}
			if (created != null) {
				return Timestamps.parse(created);
			}
		}
		catch (DateTimeParseException ex) {
			throw new KratosUnavailableException("Kratos's Admin API answered an identity with unreadable times", ex);
		}
		throw new KratosUnavailableException("Kratos's Admin API answered an identity without created_at", null);
	}

}
