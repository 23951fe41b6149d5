package io.kratossync.ingest.security;

import io.kratossync.ingest.system.IngestProperties;
import io.kratossync.support.Problems;

import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.WebFilterExchange;
import org.springframework.security.web.server.authentication.ServerAuthenticationSuccessHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * 413 for a request whose declared length is over the cap, once it is authenticated and
 * before its body is read: what the authentication does next when the credential is
 * right. A body without a declared length is cut at the same cap while it is read (the
 * codecs' limit). A step of the authentication rather than a filter of its own: each
 * filter is a layer every request goes through (README "Performance").
 */
@Component
class BodyLimit implements ServerAuthenticationSuccessHandler {

	private final IngestProperties properties;

	private final ProblemResponses problems;

	BodyLimit(IngestProperties properties, ProblemResponses problems) {
		this.properties = properties;
		this.problems = problems;
	}

	@Override
	public Mono<Void> onAuthenticationSuccess(WebFilterExchange filterExchange, Authentication authentication) {
		ServerWebExchange exchange = filterExchange.getExchange();
		long declared = exchange.getRequest().getHeaders().getContentLength();
		long cap = this.properties.maxBodySize().toBytes();
		if (declared > cap) {
			return this.problems.write(exchange, Problems.bodyTooLarge(cap), "too_large");
		}
		return filterExchange.getChain().filter(exchange);
	}

}
