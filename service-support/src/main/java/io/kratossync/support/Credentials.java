package io.kratossync.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The credentials of one realm, as Kratos's web_hook {@code auth}, a Prometheus scraper
 * or a service sends them: an API key in a header ({@code api_key} with
 * {@code in: header}), the same key as {@code Authorization: Bearer}, or HTTP Basic
 * ({@code basic_auth}). Several values may be configured, so that a credential can be
 * rotated without downtime; every one is compared, in constant time.
 *
 * @param headerName the header that carries the API key
 * @param apiKeys the accepted keys
 * @param basicCredentials the accepted HTTP Basic credentials, each {@code user:password}
 */
public record Credentials(String headerName, @DefaultValue("") List<Secret> apiKeys,
		@DefaultValue("") List<Secret> basicCredentials) {

	/**
	 * The longest credential read from a request, in characters; longer ones are refused
	 * unread.
	 */
	public static final int MAX_PRESENTED_LENGTH = 4096;

	public Credentials {
		Objects.requireNonNull(headerName, "header-name");
		apiKeys = present(apiKeys);
		basicCredentials = present(basicCredentials);
	}

	private static List<Secret> present(List<Secret> secrets) {
		return (secrets != null) ? secrets.stream().filter((s) -> s != null && s.isPresent()).toList() : List.of();
	}

	/**
	 * @return whether no credential is configured, so the realm opens to nobody
	 */
	public boolean isEmpty() {
		return this.apiKeys.isEmpty() && this.basicCredentials.isEmpty();
	}

	/**
	 * Whether a request presented anything that could be a credential of this realm.
	 * @param apiKey the value of the API-key header, may be {@code null}
	 * @param authorization the {@code Authorization} header, may be {@code null}
	 * @return whether either is there
	 */
	public boolean presented(String apiKey, String authorization) {
		return apiKey != null || authorization != null;
	}

	/**
	 * Whether the request carries an accepted credential of this realm.
	 * @param apiKey the value of the API-key header, may be {@code null}
	 * @param authorization the {@code Authorization} header, may be {@code null}
	 * @return whether it is accepted
	 */
	public boolean accepts(String apiKey, String authorization) {
		if (tooLong(apiKey) || tooLong(authorization)) {
			return false;
		}
		String bearer = scheme(authorization, "Bearer ");
		String basic = decodeBasic(scheme(authorization, "Basic "));
		boolean accepted = false;
		for (Secret key : this.apiKeys) {
			accepted |= key.matches(apiKey) | key.matches(bearer);
		}
		for (Secret credential : this.basicCredentials) {
			accepted |= credential.matches(basic);
		}
		return accepted;
	}

	/**
	 * Every configured value, for checks of the configuration.
	 * @return the keys, then the basic credentials
	 */
	public List<Secret> all() {
		List<Secret> all = new ArrayList<>(this.apiKeys);
		all.addAll(this.basicCredentials);
		return all;
	}

	private static boolean tooLong(String value) {
		return value != null && value.length() > MAX_PRESENTED_LENGTH;
	}

	private static String scheme(String authorization, String scheme) {
		if (authorization == null || !authorization.regionMatches(true, 0, scheme, 0, scheme.length())) {
			return null;
		}
		return authorization.substring(scheme.length()).trim();
	}

	private static String decodeBasic(String encoded) {
		if (encoded == null) {
			return null;
		}
		try {
			return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
