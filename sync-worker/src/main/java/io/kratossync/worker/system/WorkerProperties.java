package io.kratossync.worker.system;

import java.net.URI;
import java.time.Duration;

import io.kratossync.support.Credentials;
import io.kratossync.support.Secret;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.modulith.NamedInterface;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of sync-worker ({@code kratos-sync.worker.*}). Every setting is documented in
 * the README.
 *
 * @param readAuth how a trusted service authenticates to the read API (the read realm);
 * empty: no one reads it
 * @param metricsAuth how a metrics scraper authenticates on the management port; empty:
 * no one reads the metrics
 * @param allowExampleCredentials whether the example credentials of the local trial stack
 * are tolerated (never in production)
 * @param kratos how to reach Kratos
 * @param outbox how the Kratos Admin API outbox is worked off
 * @param consumer how failed records are retried
 * @param retention how long processed events and finished Kratos calls are kept
 */
@Validated
@ConfigurationProperties("kratos-sync.worker")
@NamedInterface("api")
public record WorkerProperties(@NotNull Credentials readAuth, @NotNull Credentials metricsAuth,
		@DefaultValue("false") boolean allowExampleCredentials, @Valid @NotNull Kratos kratos,
		@Valid @NotNull Outbox outbox, @Valid @NotNull @DefaultValue Consumer consumer,
		@Valid @NotNull @DefaultValue Retention retention) {

	/**
	 * What is kept, and for how long. The inbox must outlive every redelivery it has to
	 * recognise: Kratos's retries (seconds), a worker killed before Kafka's commit
	 * (minutes; the stored offsets already pass over those), a dead letter redriven
	 * (days). Older duplicates would still change nothing (every field is fenced), but
	 * would be counted as stale instead of duplicate.
	 *
	 * @param inbox processed event ids older than this are removed
	 * @param outbox finished (done, failed, skipped) Kratos calls older than this are
	 * removed
	 * @param interval how often old rows are removed
	 * @param batchSize the most rows one delete statement removes
	 */
	public record Retention(@DefaultValue("30d") @NotNull Duration inbox, @DefaultValue("30d") @NotNull Duration outbox,
			@DefaultValue("10m") @NotNull Duration interval, @DefaultValue("10000") @Positive int batchSize) {
	}

	/**
	 * Retries of a record that failed.
	 *
	 * @param initialBackoff first wait after a transient failure (database down, ...);
	 * doubled each time
	 * @param maxBackoff the longest wait between attempts of a transient failure (retried
	 * without end)
	 * @param unknownFailureRetries retries of an unclassified failure before the record
	 * is dead-lettered
	 */
	public record Consumer(@DefaultValue("500ms") @NotNull Duration initialBackoff,
			@DefaultValue("30s") @NotNull Duration maxBackoff,
			@DefaultValue("2") @PositiveOrZero int unknownFailureRetries) {
	}

	/**
	 * Kratos's URLs and client settings.
	 *
	 * @param adminUrl the admin API, e.g. {@code http://kratos:4434} (never expose it to
	 * the internet)
	 * @param publicUrl the public API, e.g. {@code https://auth.example.com}
	 * @param adminToken bearer token for the admin API (Ory Network); empty for
	 * self-hosted Kratos
	 * @param sessionCookieName the session cookie forwarded to {@code /sessions/whoami}
	 * @param settingsUrl where the frontend sends a user who must change the password;
	 * defaults to the public settings flow
	 * @param connectTimeout connect timeout of every Kratos call
	 * @param readTimeout read timeout of every Kratos call
	 * @param whoamiCacheTtl how long an active session that whoami confirmed is taken as
	 * active without asking again; zero (the default) asks every time. A revoked session
	 * stays accepted for at most this long
	 */
	public record Kratos(@NotNull URI adminUrl, @NotNull URI publicUrl, @DefaultValue("") Secret adminToken,
			@DefaultValue("ory_kratos_session") @NotBlank String sessionCookieName,
			@DefaultValue("") String settingsUrl, @DefaultValue("2s") @NotNull Duration connectTimeout,
			@DefaultValue("5s") @NotNull Duration readTimeout, @DefaultValue("0s") @NotNull Duration whoamiCacheTtl) {

		/**
		 * @return the URL of the settings flow the frontend should send the user to
		 */
		public URI effectiveSettingsUrl() {
			return (this.settingsUrl != null && !this.settingsUrl.isBlank()) ? URI.create(this.settingsUrl)
					: URI.create(stripSlash(this.publicUrl) + "/self-service/settings/browser");
		}

		/**
		 * @return the URL that starts a login flow asking for a second factor
		 */
		public URI aal2LoginUrl() {
			return URI.create(stripSlash(this.publicUrl) + "/self-service/login/browser?aal=aal2");
		}

		private static String stripSlash(URI uri) {
			String text = uri.toString();
			return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
		}

	}

	/**
	 * The outbox of Kratos Admin API calls.
	 *
	 * @param pollInterval how often due actions are looked for
	 * @param batchSize how many due actions one poll claims
	 * @param lease how long a claimed action is hidden from other executors (longer than
	 * one call can take)
	 * @param initialBackoff wait after the first failure; doubled on each further
	 * failure, with jitter
	 * @param maxBackoff the longest wait between attempts
	 * @param giveUpAfter an action still failing this long after it was written is marked
	 * failed and logged at ERROR
	 * @param breakerFailureRate failure rate (percent) of recent Kratos calls that opens
	 * the circuit breaker
	 * @param breakerOpenFor how long the open breaker lets no call through before trying
	 * again
	 */
	public record Outbox(@DefaultValue("500ms") @NotNull Duration pollInterval,
			@DefaultValue("20") @Positive @Max(500) int batchSize, @DefaultValue("30s") @NotNull Duration lease,
			@DefaultValue("1s") @NotNull Duration initialBackoff, @DefaultValue("5m") @NotNull Duration maxBackoff,
			@DefaultValue("7d") @NotNull Duration giveUpAfter,
			@DefaultValue("50") @Positive @Max(100) int breakerFailureRate,
			@DefaultValue("30s") @NotNull Duration breakerOpenFor) {
	}

}
