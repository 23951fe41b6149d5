package io.kratossync.ingest.security;

import io.kratossync.ingest.system.IngestProperties;
import io.kratossync.support.Problems;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * 413 for a request whose declared length is over the cap, once it is authenticated and
 * before its body is read. A body without a declared length is cut at the same cap while
 * it is read (the codecs' limit).
 */
@Component
@Order(0)
class BodyLimitWebFilter implements WebFilter {

	private final IngestProperties properties;

	private final ProblemResponses problems;

	BodyLimitWebFilter(IngestProperties properties, ProblemResponses problems) {
		this.properties = properties;
		this.problems = problems;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		long declared = exchange.getRequest().getHeaders().getContentLength();
		long cap = this.properties.maxBodySize().toBytes();
		if (declared > cap) {
			return this.problems.write(exchange, Problems.bodyTooLarge(cap), "too_large");
		}
		return chain.filter(exchange);
	}

}
