package io.kratossync.ingest.system;

import java.time.Duration;

import io.kratossync.support.Credentials;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of hook-ingest ({@code kratos-sync.ingest.*}). Every setting is documented in the README.
 *
 * @param webhookAuth how Kratos authenticates its webhook calls (the webhook realm)
 * @param adminAuth how administrators authenticate admin requests (the admin realm)
 * @param metricsAuth how a metrics scraper authenticates on the management port (the metrics realm); empty: no
 * one reads the metrics
 * @param allowExampleCredentials whether the example credentials of the local trial stack are tolerated (never
 * in production)
 * @param publishTimeout the longest a request waits for Kafka before answering 503; well under Kratos's 30 s
 * @param retryAfter the {@code Retry-After} sent with a 503
 * @param maxBodySize the largest request body accepted (413 above)
 * @param topicPartitions partitions of the event topic when hook-ingest creates it
 */
@Validated
@ConfigurationProperties("kratos-sync.ingest")
public record IngestProperties(@NotNull Credentials webhookAuth, @NotNull Credentials adminAuth,
		@NotNull Credentials metricsAuth, @DefaultValue("false") boolean allowExampleCredentials,
		@DefaultValue("8s") @NotNull Duration publishTimeout, @DefaultValue("5s") @NotNull Duration retryAfter,
		@DefaultValue("256KB") @NotNull DataSize maxBodySize, @DefaultValue("6") @Positive int topicPartitions) {

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
