package io.kratossync.worker.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.kratossync.worker.kratos.KratosTransport;
import io.kratossync.worker.system.WorkerProperties;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.web.client.RestClient;

/**
 * Validates a caller's Kratos session through {@code GET /sessions/whoami} on Kratos's
 * public API, forwarding the session cookie or the {@code X-Session-Token} header and
 * nothing else. Calls go through a circuit breaker, so that a Kratos that is down is not
 * asked once per request; an active session can be remembered for a short while
 * ({@code WHOAMI_CACHE_TTL}, off by default), keyed by a SHA-256 digest of the token,
 * never the token.
 */
class KratosSessions {

	/** The most sessions remembered at once. */
	static final int MAX_CACHED = 10_000;

	/** What Kratos said of the session. */
	sealed interface Verdict {

		/** 200: an active session of this identity. */
		record Active(UUID identityId) implements Verdict {
		}

		/** 401: no valid session. */
		record Unauthenticated() implements Verdict {
		}

		/**
		 * 403: a session, but a higher authenticator assurance level (second factor) is
		 * required.
		 */
		record NeedsSecondFactor() implements Verdict {
		}

		/** Kratos could not be asked, or answered something else. */
		record Unavailable(String detail) implements Verdict {
		}

	}

	private record Remembered(Verdict.Active verdict, long expiresAtNanos) {
	}

	private final RestClient kratosPublic;

	private final String cookieName;

	private final CircuitBreaker breaker;

	private final long ttlNanos;

	private final Map<String, Remembered> cache = new ConcurrentHashMap<>();

	KratosSessions(RestClient.Builder builder, WorkerProperties properties, KratosTransport transport,
			CircuitBreaker breaker) {
		this.kratosPublic = builder.clone()
			.baseUrl(properties.kratos().publicUrl().toString())
			.requestFactory(transport.requestFactory())
			.build();
		this.cookieName = properties.kratos().sessionCookieName();
		this.breaker = breaker;
		this.ttlNanos = properties.kratos().whoamiCacheTtl().toNanos();
	}

	/**
	 * Whether a presented token or cookie value can be a Kratos session at all: 1 to 4096
	 * characters that may stand in a cookie or header value (RFC 6265 cookie-octets).
	 * Anything else is refused without asking Kratos.
	 * @param value the value
	 * @return whether it can be sent on
	 */
	static boolean isSendable(String value) {
		if (value == null || value.isEmpty() || value.length() > 4096) {
			return false;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < 0x21 || c > 0x7e || c == '"' || c == ',' || c == ';' || c == '\\') {
				return false;
			}
		}
		return true;
	}

	/**
	 * Asks Kratos whose session this is.
	 * @param sessionCookie the value of the session cookie, or {@code null}
	 * @param sessionToken the {@code X-Session-Token}, or {@code null}
	 * @return the verdict
	 */
	Verdict whoami(String sessionCookie, String sessionToken) {
		String key = (this.ttlNanos > 0) ? digest(sessionCookie, sessionToken) : null;
		if (key != null) {
			Remembered remembered = this.cache.get(key);
			if (remembered != null && remembered.expiresAtNanos() - System.nanoTime() > 0) {
				return remembered.verdict();
			}
		}
		Verdict verdict;
		try {
			verdict = this.breaker.executeSupplier(() -> ask(sessionCookie, sessionToken));
		}
		catch (CallNotPermittedException ex) {
			return new Verdict.Unavailable("circuit breaker open after repeated failures");
		}
		catch (KratosDown ex) {
			return new Verdict.Unavailable(ex.getMessage());
		}
		if (key != null && verdict instanceof Verdict.Active active) {
			remember(key, active);
		}
		return verdict;
	}

	private Verdict ask(String sessionCookie, String sessionToken) {
		Verdict verdict;
		try {
			verdict = this.kratosPublic.get().uri("/sessions/whoami").headers((headers) -> {
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
			throw new KratosDown(KratosTransport.describe(ex));
		}
		if (verdict instanceof Verdict.Unavailable unavailable) {
			// counts as a failure for the breaker
			throw new KratosDown(unavailable.detail());
		}
		return verdict;
	}

	private void remember(String key, Verdict.Active verdict) {
		long now = System.nanoTime();
		if (this.cache.size() >= MAX_CACHED) {
			this.cache.values().removeIf((r) -> r.expiresAtNanos() - now <= 0);
			if (this.cache.size() >= MAX_CACHED) {
				this.cache.clear();
			}
		}
		this.cache.put(key, new Remembered(verdict, now + this.ttlNanos));
	}

	/**
	 * @return the name of Kratos's session cookie
	 */
	String cookieName() {
		return this.cookieName;
	}

	/**
	 * @return how long an active session is remembered; zero when not at all
	 */
	Duration cacheTtl() {
		return Duration.ofNanos(this.ttlNanos);
	}

	private static String digest(String cookie, String token) {
		try {
			MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
			sha256.update(((cookie != null) ? "c:" + cookie : "").getBytes(StandardCharsets.UTF_8));
			sha256.update(((token != null) ? "|t:" + token : "").getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(sha256.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every Java platform", ex);
		}
	}

	/**
	 * Kratos could not be asked, or answered neither 200, 401 nor 403: a failure for the
	 * breaker.
	 */
	static final class KratosDown extends RuntimeException {

		private static final long serialVersionUID = 1L;

		KratosDown(String detail) {
			super(detail, null, false, false);
		}

	}

}
