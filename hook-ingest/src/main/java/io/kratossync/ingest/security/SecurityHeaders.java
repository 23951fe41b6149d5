package io.kratossync.ingest.security;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;

/**
 * The headers that keep a browser from caching, sniffing, framing or referring an answer:
 * Spring Security's defaults, written by {@link EntryFilter} on every answer of both
 * ports (also on those its path firewall refuses, which Spring Security's own writer
 * never saw), as one set of constants. Spring Security's writer looked through the
 * response headers once per header it wrote, about a tenth of what the ingest allocates
 * per webhook (README "Performance").
 */
final class SecurityHeaders {

	private static final String NO_CACHE = "no-cache, no-store, max-age=0, must-revalidate";

	private static final String HSTS = "max-age=31536000 ; includeSubDomains";

	private SecurityHeaders() {
	}

	/**
	 * Writes the headers, as Spring Security would: the cache headers only when the
	 * answer sets none of them itself (a refusal says {@code no-store}) and it is not a
	 * 304; each other header unless the answer has it; HSTS only over HTTPS.
	 * @param exchange the exchange about to be answered
	 */
	static void write(ServerWebExchange exchange) {
		HttpHeaders headers = exchange.getResponse().getHeaders();
		if (exchange.getResponse().getStatusCode() != HttpStatus.NOT_MODIFIED
				&& !headers.containsHeader(HttpHeaders.CACHE_CONTROL) && !headers.containsHeader(HttpHeaders.PRAGMA)
				&& !headers.containsHeader(HttpHeaders.EXPIRES)) {
			headers.set(HttpHeaders.CACHE_CONTROL, NO_CACHE);
			headers.set(HttpHeaders.PRAGMA, "no-cache");
			headers.set(HttpHeaders.EXPIRES, "0");
		}
		setIfAbsent(headers, "X-Content-Type-Options", "nosniff");
		setIfAbsent(headers, "X-Frame-Options", "DENY");
		setIfAbsent(headers, "X-XSS-Protection", "0");
		setIfAbsent(headers, "Referrer-Policy", "no-referrer");
		if ("https".equalsIgnoreCase(exchange.getRequest().getURI().getScheme())) {
			setIfAbsent(headers, "Strict-Transport-Security", HSTS);
		}
	}

	private static void setIfAbsent(HttpHeaders headers, String name, String value) {
		if (!headers.containsHeader(name)) {
			headers.set(name, value);
		}
	}

}
