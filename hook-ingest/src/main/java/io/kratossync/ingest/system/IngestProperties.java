package io.kratossync.ingest.system;

import java.time.Duration;

import java.net.URI;

import io.kratossync.support.Credentials;
import io.kratossync.support.Secret;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.modulith.NamedInterface;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of hook-ingest ({@code kratos-sync.ingest.*}). Every setting is documented in
 * the README.
 *
 * @param webhookAuth how Kratos authenticates its webhook calls (the webhook realm)
 * @param adminAuth how administrators authenticate admin requests (the admin realm)
 * @param metricsAuth how a metrics scraper authenticates on the management port (the
 * metrics realm); empty: no one reads the metrics
 * @param allowExampleCredentials whether the example credentials of the local trial stack
 * are tolerated (never in production)
 * @param kratos how to reach Kratos's Admin API (an admin requirement reads the
 * identity's password time there)
 * @param futureTolerance how far in the future of its receipt a time in a webhook may
 * lie; a later one is clamped to the time of receipt plus this, and counted (a Kratos
 * host whose clock runs fast cannot fence out real changes for longer than this)
 * @param publishTimeout the longest a request waits for Kafka before answering 503; well
 * under Kratos's 30 s
 * @param failFastFor after Kafka failed to acknowledge an event, how long further events
 * are answered 503 at once without trying (one request per interval still tries); zero
 * turns it off
 * @param retryAfter the {@code Retry-After} sent with a 503
 * @param maxBodySize the largest request body accepted (413 above)
 */
@Validated
@ConfigurationProperties("kratos-sync.ingest")
@NamedInterface("api")
public record IngestProperties(@NotNull Credentials webhookAuth, @NotNull Credentials adminAuth,
		@NotNull Credentials metricsAuth, @DefaultValue("false") boolean allowExampleCredentials,
		@Valid @NotNull Kratos kratos, @DefaultValue("60s") @NotNull Duration futureTolerance,
		@DefaultValue("8s") @NotNull Duration publishTimeout, @DefaultValue("0s") @NotNull Duration failFastFor,
		@DefaultValue("5s") @NotNull Duration retryAfter, @DefaultValue("256KB") @NotNull DataSize maxBodySize) {

	/**
	 * Kratos's Admin API.
	 *
	 * @param adminUrl e.g. {@code http://kratos:4434} (never expose it to the internet)
	 * @param adminToken bearer token for the Admin API (Ory Network); empty for
	 * self-hosted Kratos
	 * @param connectTimeout connect timeout of a call
	 * @param readTimeout answer timeout of a call
	 */
	public record Kratos(@NotNull URI adminUrl, @DefaultValue("") Secret adminToken,
			@DefaultValue("2s") @NotNull Duration connectTimeout, @DefaultValue("3s") @NotNull Duration readTimeout) {
	}

	public IngestProperties {
		if (webhookAuth != null && webhookAuth.isEmpty()) {
			throw new IllegalArgumentException("no webhook credential configured: set WEBHOOK_API_KEYS "
					+ "(kratos-sync.ingest.webhook-auth.api-keys) or WEBHOOK_BASIC_CREDENTIALS");
		}
		if (adminAuth != null && adminAuth.isEmpty()) {
			throw new IllegalArgumentException("no admin credential configured: set ADMIN_API_KEYS "
					+ "(kratos-sync.ingest.admin-auth.api-keys) or ADMIN_BASIC_CREDENTIALS");
		}
	}

}
