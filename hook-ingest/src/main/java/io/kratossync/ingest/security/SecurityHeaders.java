package io.kratossync.ingest.security;

import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;

/**
 * The headers that keep a browser from caching, sniffing, framing or referring an answer:
 * Spring Security's defaults, written by {@link EntryFilter} on every answer of both
 * ports (also on those its path firewall refuses, which Spring Security's own writer
 * never saw), as one set of constants. Spring Security's writer looked through the
 * response headers once per header it wrote, about a twelfth of what the ingest allocates
 * per webhook (README "Performance").
 */
final class SecurityHeaders {

	private static final List<String> CACHE_HEADERS = List.of(HttpHeaders.CACHE_CONTROL, HttpHeaders.PRAGMA,
			HttpHeaders.EXPIRES);

	private static final List<String> NO_CACHE = List.of("no-cache, no-store, max-age=0, must-revalidate");

	private static final List<String> PRAGMA = List.of("no-cache");

	private static final List<String> EXPIRES = List.of("0");

	private static final List<String> NOSNIFF = List.of("nosniff");

	private static final List<String> DENY = List.of("DENY");

	private static final List<String> XSS_FILTER_OFF = List.of("0");

	private static final List<String> NO_REFERRER = List.of("no-referrer");

	private static final List<String> HSTS = List.of("max-age=31536000 ; includeSubDomains");

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
				&& CACHE_HEADERS.stream().noneMatch(headers::containsHeader)) {
			headers.put(HttpHeaders.CACHE_CONTROL, NO_CACHE);
			headers.put(HttpHeaders.PRAGMA, PRAGMA);
			headers.put(HttpHeaders.EXPIRES, EXPIRES);
		}
		putIfAbsent(headers, "X-Content-Type-Options", NOSNIFF);
		putIfAbsent(headers, "X-Frame-Options", DENY);
		putIfAbsent(headers, "X-XSS-Protection", XSS_FILTER_OFF);
		putIfAbsent(headers, "Referrer-Policy", NO_REFERRER);
		if ("https".equalsIgnoreCase(exchange.getRequest().getURI().getScheme())) {
			putIfAbsent(headers, "Strict-Transport-Security", HSTS);
		}
	}

	private static void putIfAbsent(HttpHeaders headers, String name, List<String> value) {
		if (!headers.containsHeader(name)) {
			headers.put(name, value);
		}
	}

}
