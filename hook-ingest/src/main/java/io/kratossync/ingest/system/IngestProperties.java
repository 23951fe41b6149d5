package io.kratossync.ingest.system;

import java.time.Duration;
import java.util.List;

import io.kratossync.support.Secret;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of hook-ingest ({@code kratos-sync.ingest.*}). Every setting is documented in the README.
 *
 * @param webhookAuth how Kratos authenticates its webhook calls
 * @param adminAuth how administrators authenticate admin requests
 * @param publishTimeout the longest a request waits for Kafka before answering 503; well under Kratos's 30 s
 * @param retryAfter the {@code Retry-After} sent with a 503
 * @param maxBodySize the largest request body accepted (413 above)
 * @param topicPartitions partitions of the event topic when hook-ingest creates it
 */
@Validated
@ConfigurationProperties("kratos-sync.ingest")
public record IngestProperties(@Valid @NotNull ApiKeyAuth webhookAuth, @Valid @NotNull ApiKeyAuth adminAuth,
		@DefaultValue("8s") @NotNull Duration publishTimeout, @DefaultValue("5s") @NotNull Duration retryAfter,
		@DefaultValue("256KB") @NotNull DataSize maxBodySize, @DefaultValue("6") @Positive int topicPartitions) {

	/**
	 * API-key authentication as Kratos's {@code api_key} auth sends it ({@code in: header}).
	 *
	 * @param headerName the header that carries the key
	 * @param apiKeys the accepted keys; more than one lets a key be rotated without downtime
	 */
	public record ApiKeyAuth(@NotBlank String headerName, @NotEmpty List<@NotNull Secret> apiKeys) {

		public ApiKeyAuth {
			if (apiKeys != null && apiKeys.stream().anyMatch((key) -> !key.isPresent())) {
				throw new IllegalArgumentException("api-keys holds a blank key");
			}
		}

		/**
		 * Whether the value is one of the accepted keys. Every key is compared, in constant time.
		 * @param presented the header value, may be {@code null}
		 * @return whether it is accepted
		 */
		public boolean accepts(String presented) {
			boolean accepted = false;
			for (Secret key : this.apiKeys) {
				accepted |= key.matches(presented);
			}
			return accepted;
		}

	}

}
