package io.kratossync.worker.reconcile;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.kratossync.events.EventJson;
import io.kratossync.events.Timestamps;
import io.kratossync.worker.kratos.KratosTransport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.web.client.RestClient;

/**
 * What the sweep reads of Kratos's Admin API, politely: at most
 * {@code requests-per-second}; a {@code 429} waits its {@code Retry-After} and asks
 * again; every other failure waits with back-off (1 s doubling to 30 s) and asks again,
 * through the circuit breaker the outbox uses (an open breaker is waited out). Nothing
 * here gives up: a sweep ends when Kratos answered it, or when the worker stops.
 */
class KratosIdentities {

	private static final Logger log = LoggerFactory.getLogger(KratosIdentities.class);

	private static final Pattern NEXT = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"next\"");

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

	/** One identity of a listing page, as far as the application keeps it. */
	record Listed(UUID id, String state, String schemaId, String email, Boolean emailVerified, Instant createdAt,
			Instant updatedAt) {
	}

	/**
	 * A listing page.
	 *
	 * @param identities its identities
	 * @param next the token of the next page, {@code null} on the last
	 */
	record Page(List<Listed> identities, String next) {
	}

	/** How a wait is spent (tests need not wait for real). */
	interface Sleeper {

		void sleep(Duration duration) throws InterruptedException;

	}

	private final RestClient admin;

	private final CircuitBreaker breaker;

	private final long spacingNanos;

	private final LongSupplier clock;

	private final Sleeper sleeper;

	private final Counter throttled;

	private final Counter requests;

	private long nextRequestNanos;

	KratosIdentities(RestClient admin, CircuitBreaker breaker, double requestsPerSecond, MeterRegistry meters,
			LongSupplier clock, Sleeper sleeper) {
		this.admin = admin;
		this.breaker = breaker;
		this.spacingNanos = (long) (1_000_000_000L / requestsPerSecond);
		this.clock = clock;
		this.sleeper = sleeper;
		this.throttled = Counter.builder("kratos_sync_reconcile_throttled")
			.description("Admin API answers 429 that the reconcile sweep waited out")
			.register(meters);
		this.requests = Counter.builder("kratos_sync_reconcile_requests")
			.description("Admin API requests of the reconcile sweep")
			.register(meters);
	}

	/**
	 * {@code GET /admin/identities?page_size=&page_token=}.
	 * @param pageSize identities per page
	 * @param token the page token, {@code null} for the first page
	 * @return the page
	 * @throws InterruptedException when the worker stops meanwhile
	 */
	Page page(int pageSize, String token) throws InterruptedException {
		String uri = "/admin/identities?page_size=" + pageSize + ((token != null) ? "&page_token=" + token : "");
		return call(uri, (status, headers, body) -> {
			if (status != 200) {
				return null;
			}
			List<Listed> identities = new ArrayList<>();
			for (JsonNode identity : EventJson.mapper().readTree(body)) {
				identities.add(listed(identity));
			}
			return new Page(identities, next(headers.getFirst("Link")));
		});
	}

	/**
	 * {@code GET /admin/identities/{id}}: whether Kratos still has the identity.
	 * @param id the identity
	 * @return true for 200, false for 404
	 * @throws InterruptedException when the worker stops meanwhile
	 */
	boolean exists(UUID id) throws InterruptedException {
		return call("/admin/identities/" + id, (status, headers, body) -> switch (status) {
			case 200 -> Boolean.TRUE;
			case 404 -> Boolean.FALSE;
			default -> null;
		});
	}

	private interface Reader<T> {

		/**
		 * @return the result, or {@code null} to retry
		 */
		T read(int status, HttpHeaders headers, String body);

	}

	private <T> T call(String uri, Reader<T> reader) throws InterruptedException {
		Duration backoff = Duration.ofSeconds(1);
		while (true) {
			pace();
			if (!this.breaker.tryAcquirePermission()) {
				log.debug("Kratos Admin API breaker open; the sweep waits");
				this.sleeper.sleep(Duration.ofSeconds(1));
				continue;
			}
			long start = System.nanoTime();
			this.requests.increment();
			try {
				Response response = this.admin.get()
					.uri(URI.create(uri))
					.exchange((request, answer) -> new Response(answer.getStatusCode().value(), answer.getHeaders(),
							new String(answer.getBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)),
							false);
				if (response.status() == 429) {
					this.breaker.releasePermission();
					this.throttled.increment();
					Duration wait = Optional
						.ofNullable(KratosTransport.retryAfter(response.headers().getFirst(HttpHeaders.RETRY_AFTER)))
						.orElse(backoff);
					log.info("Kratos answered 429 to the reconcile sweep; waiting {} ms as it asks", wait.toMillis());
					this.sleeper.sleep(wait);
					continue;
				}
				T result = (response.status() >= 500) ? null
						: reader.read(response.status(), response.headers(), response.body());
				if (result != null) {
					this.breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
					return result;
				}
				this.breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS,
						new IllegalStateException("HTTP " + response.status()));
				log.warn("Kratos answered HTTP {} to {}; the sweep asks again in {} ms", response.status(), uri,
						backoff.toMillis());
			}
			catch (CallNotPermittedException ex) {
				// opened meanwhile
			}
			catch (RuntimeException ex) {
				this.breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, ex);
				log.warn("Kratos Admin API did not answer {} ({}); the sweep asks again in {} ms", uri,
						KratosTransport.describe(ex), backoff.toMillis());
			}
			this.sleeper.sleep(backoff);
			backoff = (backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0) ? MAX_BACKOFF : backoff.multipliedBy(2);
		}
	}

	private record Response(int status, HttpHeaders headers, String body) {
	}

	/** At most one request per spacing interval. */
	private void pace() throws InterruptedException {
		long now = this.clock.getAsLong();
		long wait = this.nextRequestNanos - now;
		if (wait > 0) {
			this.sleeper.sleep(Duration.ofNanos(wait));
		}
		this.nextRequestNanos = Math.max(now, this.nextRequestNanos) + this.spacingNanos;
	}

	private static Listed listed(JsonNode identity) {
		String email = null;
		Boolean verified = null;
		for (JsonNode address : identity.path("verifiable_addresses")) {
			if ("email".equals(address.path("via").asString(null))) {
				email = address.path("value").asString(null);
				verified = address.path("verified").asBoolean(false);
				break;
			}
		}
		if (email == null && identity.path("traits").path("email").isString()) {
			email = identity.path("traits").path("email").asString();
		}
		return new Listed(UUID.fromString(identity.path("id").asString()), identity.path("state").asString(null),
				identity.path("schema_id").asString(null), email, verified,
				Timestamps.parse(identity.path("created_at").asString()),
				Timestamps.parse(identity.path("updated_at").asString()));
	}

	/** The {@code page_token} of the {@code rel="next"} link, or {@code null}. */
	static String next(String link) {
		if (link == null) {
			return null;
		}
		Matcher next = NEXT.matcher(link);
		if (!next.find()) {
			return null;
		}
		Matcher token = Pattern.compile("[?&]page_token=([^&]+)").matcher(next.group(1));
		return token.find() ? token.group(1) : null;
	}

}
