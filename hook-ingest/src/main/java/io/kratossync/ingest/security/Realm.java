package io.kratossync.ingest.security;

import io.kratossync.support.Credentials;

import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;

/**
 * A part of the service that one kind of caller may use, with the credentials that open
 * it and nothing else: a credential of one realm never opens another.
 *
 * @param name the realm's name, e.g. {@code webhook}
 * @param paths which requests belong to it, matched on the parsed path as the router
 * parses it
 * @param credentials what opens it
 */
record Realm(String name, ServerWebExchangeMatcher paths, Credentials credentials) {

	/**
	 * @return the authority a caller of this realm is granted
	 */
	SimpleGrantedAuthority authority() {
		return new SimpleGrantedAuthority("REALM_" + this.name);
	}

	/**
	 * @return what the 401 answer says is needed
	 */
	String required() {
		return "A valid API key is required in the " + this.credentials.headerName() + " header";
	}

}
