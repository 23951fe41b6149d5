package io.kratossync.ingest.system;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import io.kratossync.support.Secret;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
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
	 * Caller authentication as Kratos's web_hook {@code auth} sends it: an API key in a header ({@code api_key}
	 * with {@code in: header}) or HTTP Basic ({@code basic_auth}). Either list may be empty, not both.
	 *
	 * @param headerName the header that carries the API key
	 * @param apiKeys the accepted keys; more than one lets a key be rotated without downtime
	 * @param basicCredentials accepted HTTP Basic credentials, each {@code user:password}
	 */
	public record ApiKeyAuth(@NotBlank String headerName, @DefaultValue("") List<@NotNull Secret> apiKeys,
			@DefaultValue("") List<@NotNull Secret> basicCredentials) {

		public ApiKeyAuth {
			apiKeys = present(apiKeys);
			basicCredentials = present(basicCredentials);
			if (apiKeys.isEmpty() && basicCredentials.isEmpty()) {
				throw new IllegalArgumentException(
						"no credential configured: set api-keys (e.g. WEBHOOK_API_KEYS) or basic-credentials");
			}
		}

		private static List<Secret> present(List<Secret> secrets) {
			return (secrets != null) ? secrets.stream().filter(Secret::isPresent).toList() : List.of();
		}

		/**
		 * Whether the request carries an accepted credential. Every configured value is compared, in constant
		 * time.
		 * @param apiKey the value of the API-key header, may be {@code null}
		 * @param authorization the {@code Authorization} header, may be {@code null}
		 * @return whether it is accepted
		 */
		public boolean accepts(String apiKey, String authorization) {
			boolean accepted = false;
			for (Secret key : this.apiKeys) {
				accepted |= key.matches(apiKey);
			}
			String basic = decodeBasic(authorization);
			for (Secret credential : this.basicCredentials) {
				accepted |= credential.matches(basic);
			}
			return accepted;
		}

		private static String decodeBasic(String authorization) {
			if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
				return null;
			}
			try {
				return new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
		}

	}

}
