package io.kratossync.ingest.auth;

import java.nio.charset.StandardCharsets;

import io.kratossync.ingest.system.IngestProperties;
import io.kratossync.ingest.system.IngestProperties.ApiKeyAuth;
import io.kratossync.support.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * Authenticates before anything else is read: webhook paths need the webhook key, admin paths the admin key,
 * each in its configured header. A request that fails gets 401 and its body is never read. Requests whose
 * declared length is over the cap get 413 here too, before the body is read.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class ApiKeyWebFilter implements WebFilter {

	private static final Logger log = LoggerFactory.getLogger(ApiKeyWebFilter.class);

	private final IngestProperties properties;

	private final JsonMapper json;

	ApiKeyWebFilter(IngestProperties properties, JsonMapper json) {
		this.properties = properties;
		this.json = json;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		ApiKeyAuth auth = realmOf(path);
		if (auth == null) {
			return chain.filter(exchange);
		}
		String presented = exchange.getRequest().getHeaders().getFirst(auth.headerName());
		String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		if (!auth.accepts(presented, authorization)) {
			log.warn("Rejected {} {}: {} credential (API key header {})", exchange.getRequest().getMethod(), path,
					(presented == null && authorization == null) ? "missing" : "wrong", auth.headerName());
			return write(exchange.getResponse(), Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated",
					"Authentication required", "A valid API key is required in the " + auth.headerName() + " header"));
		}
		long declared = exchange.getRequest().getHeaders().getContentLength();
		long cap = this.properties.maxBodySize().toBytes();
		if (declared > cap) {
			return write(exchange.getResponse(), Problems.bodyTooLarge(cap));
		}
		return chain.filter(exchange);
	}

	private ApiKeyAuth realmOf(String path) {
		if (path.startsWith("/hooks/") || path.startsWith("/api/kratos/hooks/")) {
			return this.properties.webhookAuth();
		}
		if (path.startsWith("/admin/")) {
			return this.properties.adminAuth();
		}
		return null;
	}

	private Mono<Void> write(ServerHttpResponse response, ProblemDetail problem) {
		response.setStatusCode(HttpStatus.valueOf(problem.getStatus()));
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		byte[] bytes = this.json.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
		DataBuffer buffer = response.bufferFactory().wrap(bytes);
		return response.writeWith(Mono.just(buffer));
	}

}
