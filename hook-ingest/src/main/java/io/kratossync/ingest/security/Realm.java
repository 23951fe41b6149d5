package io.kratossync.ingest.security;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

import io.kratossync.support.Credentials;

import org.springframework.http.server.PathContainer;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * A part of the service that one kind of caller may use, with the credentials that open
 * it and nothing else: a credential of one realm never opens another.
 *
 * @param name the realm's name, e.g. {@code webhook}
 * @param paths which requests belong to it, matched on the parsed path as the router
 * parses it (a plain test: it runs for every request, without a reactive chain)
 * @param credentials what opens it
 */
record Realm(String name, Predicate<ServerWebExchange> paths, Credentials credentials) {

	private static final PathPatternParser PARSER = PathPatternParser.defaultInstance;

	/**
	 * Requests whose path (as the router parses it) matches one of the patterns.
	 * @param patterns the path patterns
	 * @return the test
	 */
	static Predicate<ServerWebExchange> pathMatching(String... patterns) {
		List<PathPattern> parsed = Arrays.stream(patterns).map(PARSER::parse).toList();
		return (exchange) -> {
			PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
			for (PathPattern pattern : parsed) {
				if (pattern.matches(path)) {
					return true;
				}
			}
			return false;
		};
	}

	/**
	 * @return the authority a caller of this realm is granted
	 */
	SimpleGrantedAuthority authority() {
		return new SimpleGrantedAuthority("REALM_" + this.name);
	}

	/**
	 * @param authentication an accepted caller
	 * @return whether it holds this realm's authority
	 */
	boolean grants(Authentication authentication) {
		return authentication.getAuthorities().contains(authority());
	}

	/**
	 * @return what the 401 answer says is needed
	 */
	String required() {
		return "A valid API key is required in the " + this.credentials.headerName() + " header";
	}

}
