package io.kratossync.ingest.security;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Predicate;

import io.kratossync.ingest.system.IngestProperties;
import io.kratossync.support.CredentialPolicy;
import io.kratossync.support.Problems;
import io.kratossync.support.RequestGate;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * The one filter chain of hook-ingest, deny by default. Each realm is a matcher on the
 * parsed path (the router's own parsing; {@link EntryFilter} has already refused every
 * other spelling) and opens only to its own credentials: the webhook realm to Kratos's
 * key, the admin realm to the admin key, the metrics on the management port to the
 * metrics key. The probes on the management port are open. Every other request is
 * refused. A refusal is {@code 401 application/problem+json}, written before the body is
 * read.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

	private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

	/**
	 * The probes (health and its groups: liveness, readiness, ...): open, on the
	 * management port only.
	 */
	static final String[] PROBES = { "/actuator/health", "/actuator/health/**" };

	/**
	 * No observation of the filter chain, the authentication and the authorization:
	 * Spring Security wraps every filter of every request in one when a registry exists
	 * (with tracing: a span each), which cost about a tenth of the ingest's CPU per
	 * webhook. {@code kratos_sync_requests_total} counts every refusal and
	 * {@code EventPublisher} continues the caller's trace.
	 */
	@Bean
	static SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	@Bean
	RequestGate requestGate(Environment environment, MeterRegistry meters) {
		return new RequestGate(environment, meters);
	}

	/**
	 * Tells the gate the management port each time its server starts, so that the filters
	 * compare a number instead of reading the environment for every request.
	 */
	@Bean
	static ApplicationListener<WebServerInitializedEvent> managementPortListener(ObjectProvider<RequestGate> gate) {
		return (event) -> {
			if ("management".equals(event.getApplicationContext().getServerNamespace())) {
				gate.getObject().managementPortStarted(event.getWebServer().getPort());
			}
		};
	}

	/**
	 * @return whether the exchange arrived on the management port
	 */
	static boolean onManagementPort(ServerWebExchange exchange, RequestGate gate) {
		InetSocketAddress local = exchange.getRequest().getLocalAddress();
		return local != null && gate.isManagementPort(local.getPort());
	}

	@Bean
	List<Realm> realms(IngestProperties properties, RequestGate gate) {
		Predicate<ServerWebExchange> actuator = Realm.pathMatching("/actuator/**");
		return List.of(
				new Realm("webhook", Realm.pathMatching("/hooks/kratos/**", "/api/kratos/hooks/**"),
						properties.webhookAuth()),
				new Realm("admin", Realm.pathMatching("/admin/**"), properties.adminAuth()),
				new Realm("metrics", (exchange) -> onManagementPort(exchange, gate) && actuator.test(exchange),
						properties.metricsAuth()));
	}

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, List<Realm> realms,
			IngestProperties properties, RequestGate gate, ProblemResponses problems, BodyLimit bodyLimit,
			@Value("${server.port:8080}") int serverPort, @Value("${management.server.port:-1}") int managementPort) {
		checkConfiguration(properties, realms, serverPort, managementPort);
		AuthenticationWebFilter authentication = new AuthenticationWebFilter(authenticationManager());
		authentication.setServerAuthenticationConverter(converter(realms));
		authentication.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
		authentication.setAuthenticationSuccessHandler(bodyLimit);
		authentication.setAuthenticationFailureHandler(
				(filterExchange, ex) -> unauthenticated(filterExchange.getExchange(), realms, problems));
		http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			// the same headers are written by EntryFilter, as constants
			.headers(ServerHttpSecurity.HeaderSpec::disable)
			.anonymous(ServerHttpSecurity.AnonymousSpec::disable)
			.requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()))
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.addFilterAt(authentication, SecurityWebFiltersOrder.AUTHENTICATION)
			.exceptionHandling((exceptions) -> exceptions
				.authenticationEntryPoint((exchange, ex) -> unauthenticated(exchange, realms, problems))
				.accessDeniedHandler((exchange, ex) -> problems.write(exchange,
						Problems.of(HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
								"This credential does not open this path"),
						"forbidden")))
			.authorizeExchange((exchanges) -> exchanges.anyExchange().access(authorization(realms, gate)));
		return http.build();
	}

	/**
	 * Reads the credential of the realm the path belongs to, and of no other realm;
	 * nothing when the path is in no realm or the request carries nothing (the request is
	 * then refused as unauthenticated).
	 */
	private static ServerAuthenticationConverter converter(List<Realm> realms) {
		return (exchange) -> {
			Realm realm = realmOf(exchange, realms);
			if (realm == null) {
				return Mono.empty();
			}
			HttpHeaders headers = exchange.getRequest().getHeaders();
			String key = headers.getFirst(realm.credentials().headerName());
			String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
			if (!realm.credentials().presented(key, authorization)) {
				return Mono.empty();
			}
			return Mono.just(new PresentedCredential(realm, key, authorization));
		};
	}

	private static ReactiveAuthenticationManager authenticationManager() {
		return (authentication) -> {
			PresentedCredential presented = (PresentedCredential) authentication;
			Realm realm = presented.realm;
			if (!realm.credentials().accepts(presented.key, presented.authorization)) {
				return Mono.error(new BadCredentialsException("wrong credential for the " + realm.name() + " realm"));
			}
			Authentication accepted = UsernamePasswordAuthenticationToken.authenticated(realm.name(), null,
					List.of(realm.authority()));
			return Mono.just(accepted);
		};
	}

	/**
	 * The rules, in order: the probes on the management port are open; a path of a realm
	 * opens to a caller holding that realm's authority; every other request is refused.
	 * Decided by plain tests, once per request: Spring Security's matcher and authority
	 * chains built several reactive pipelines per request for the same rules (README
	 * "Performance").
	 */
	static ReactiveAuthorizationManager<AuthorizationContext> authorization(List<Realm> realms, RequestGate gate) {
		Predicate<ServerWebExchange> probes = Realm.pathMatching(PROBES);
		return (authentication, context) -> {
			ServerWebExchange exchange = context.getExchange();
			if (onManagementPort(exchange, gate) && probes.test(exchange)) {
				return GRANTED;
			}
			Realm realm = realmOf(exchange, realms);
			if (realm == null) {
				return DENIED;
			}
			return authentication
				.map((caller) -> caller.isAuthenticated() && realm.grants(caller) ? GRANTED_RESULT : DENIED_RESULT)
				.defaultIfEmpty(DENIED_RESULT);
		};
	}

	private static final AuthorizationResult GRANTED_RESULT = new AuthorizationDecision(true);

	private static final AuthorizationResult DENIED_RESULT = new AuthorizationDecision(false);

	private static final Mono<AuthorizationResult> GRANTED = Mono.just(GRANTED_RESULT);

	private static final Mono<AuthorizationResult> DENIED = Mono.just(DENIED_RESULT);

	/**
	 * @return the realm the path belongs to, or {@code null}
	 */
	static Realm realmOf(ServerWebExchange exchange, List<Realm> realms) {
		for (Realm realm : realms) {
			if (realm.paths().test(exchange)) {
				return realm;
			}
		}
		return null;
	}

	private static Mono<Void> unauthenticated(ServerWebExchange exchange, List<Realm> realms,
			ProblemResponses problems) {
		Realm realm = realmOf(exchange, realms);
		String detail = (realm != null) ? realm.required() : "No credential opens this path";
		return problems.write(exchange,
				Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated", "Authentication required", detail),
				"unauthenticated");
	}

	/**
	 * Refuses to start with unsafe credentials (examples, short ones, one shared by two
	 * realms) or with the actuator on the application port.
	 */
	private static void checkConfiguration(IngestProperties properties, List<Realm> realms, int serverPort,
			int managementPort) {
		RequestGate.requireOwnManagementPort(serverPort, managementPort, "the webhooks");
		new CredentialPolicy().realm("WEBHOOK_API_KEYS / WEBHOOK_BASIC_CREDENTIALS", properties.webhookAuth())
			.realm("ADMIN_API_KEYS / ADMIN_BASIC_CREDENTIALS", properties.adminAuth())
			.optionalRealm("METRICS_API_KEYS / METRICS_BASIC_CREDENTIALS", properties.metricsAuth(),
					"/actuator/prometheus on the management port")
			.enforce(properties.allowExampleCredentials());
		log.info("Realms: {}; every other request is refused; probes open on the management port {}",
				realms.stream().map((r) -> r.name() + " (" + r.credentials().all().size() + " credentials)").toList(),
				managementPort);
	}

	/** A credential as the request presented it, before it is checked. */
	private static final class PresentedCredential extends UsernamePasswordAuthenticationToken {

		private static final long serialVersionUID = 1L;

		private final transient Realm realm;

		private final transient String key;

		private final transient String authorization;

		PresentedCredential(Realm realm, String key, String authorization) {
			super(realm.name(), null);
			this.realm = realm;
			this.key = key;
			this.authorization = authorization;
		}

		@Override
		public String toString() {
			return "PresentedCredential[realm=" + this.realm.name() + "]";
		}

	}

}
