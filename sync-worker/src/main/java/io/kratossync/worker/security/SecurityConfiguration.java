package io.kratossync.worker.security;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.kratossync.support.CredentialPolicy;
import io.kratossync.support.Credentials;
import io.kratossync.support.FailureDigest;
import io.kratossync.support.Problems;
import io.kratossync.support.RequestGate;
import io.kratossync.worker.kratos.KratosTransport;
import io.kratossync.worker.system.WorkerProperties;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.client.RestClient;

/**
 * The one filter chain of sync-worker, deny by default. Each realm is a matcher on the
 * parsed path and opens only to its own credential: the service read API
 * ({@code /api/identities/**}) to a read key, the end-user routes ({@code /api/me/**}) to
 * a Kratos session that {@code /sessions/whoami} confirms, the metrics on the management
 * port to the metrics key. The probes on the management port are open; every other
 * request is refused ({@code 401 application/problem+json}).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

	private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

	/**
	 * Kratos away: every request with a session fails; one line, then a summary a minute.
	 */
	private static final FailureDigest KRATOS_DOWN = new FailureDigest("session checks Kratos could not answer",
			Duration.ofMinutes(1), System::nanoTime, log::warn);

	static final String[] PROBES = { "/actuator/health", "/actuator/health/**" };

	static final SimpleGrantedAuthority READ = new SimpleGrantedAuthority("REALM_read");

	static final SimpleGrantedAuthority END_USER = new SimpleGrantedAuthority("REALM_end_user");

	static final SimpleGrantedAuthority METRICS = new SimpleGrantedAuthority("REALM_metrics");

	@Bean
	CircuitBreaker kratosPublicBreaker(WorkerProperties properties, MeterRegistry meters) {
		WorkerProperties.Outbox settings = properties.outbox();
		CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(20)
			.minimumNumberOfCalls(10)
			.failureRateThreshold(settings.breakerFailureRate())
			.slowCallDurationThreshold(properties.kratos().readTimeout().dividedBy(2))
			.waitDurationInOpenState(Duration.ofSeconds(5))
			.permittedNumberOfCallsInHalfOpenState(3)
			.recordException((ex) -> ex instanceof KratosSessions.KratosDown)
			.build());
		CircuitBreaker breaker = registry.circuitBreaker("kratos-public");
		breaker.getEventPublisher()
			.onStateTransition((event) -> log.warn("Circuit breaker for Kratos's /sessions/whoami at {}: {}",
					properties.kratos().publicUrl(), event.getStateTransition()));
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
		return breaker;
	}

	@Bean
	KratosSessions kratosSessions(RestClient.Builder builder, WorkerProperties properties, KratosTransport transport,
			CircuitBreaker kratosPublicBreaker) {
		return new KratosSessions(builder, properties, transport, kratosPublicBreaker);
	}

	@Bean
	RequestGate requestGate(Environment environment, MeterRegistry meters) {
		return new RequestGate(environment, meters);
	}

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http, WorkerProperties properties, RequestGate gate,
			ProblemResponses problems, KratosSessions sessions, @Value("${server.port:8081}") int serverPort,
			@Value("${management.server.port:-1}") int managementPort) throws Exception {
		checkConfiguration(properties, sessions, serverPort, managementPort);
		RequestMatcher read = PathPatternRequestMatcher.pathPattern("/api/identities/**");
		RequestMatcher endUser = PathPatternRequestMatcher.pathPattern("/api/me/**");
		RequestMatcher onManagementPort = (request) -> gate.isManagementPort(request.getLocalPort());
		RequestMatcher metrics = new AndRequestMatcher(onManagementPort,
				PathPatternRequestMatcher.pathPattern("/actuator/**"));
		RequestMatcher probes = new AndRequestMatcher(onManagementPort,
				new OrRequestMatcher(List.of(PROBES)
					.stream()
					.map((p) -> (RequestMatcher) PathPatternRequestMatcher.pathPattern(HttpMethod.GET, p))
					.toList()));
		http.csrf(AbstractHttpConfigurer::disable)
			.httpBasic(AbstractHttpConfigurer::disable)
			.formLogin(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.anonymous(AbstractHttpConfigurer::disable)
			.sessionManagement((s) -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.securityContext((c) -> c.securityContextRepository(new RequestAttributeSecurityContextRepository()))
			.addFilterBefore(keyFilter(read, properties.readAuth(), READ, problems),
					AnonymousAuthenticationFilter.class)
			.addFilterBefore(keyFilter(metrics, properties.metricsAuth(), METRICS, problems),
					AnonymousAuthenticationFilter.class)
			.addFilterBefore(sessionFilter(endUser, sessions, problems), AnonymousAuthenticationFilter.class)
			.exceptionHandling((e) -> e
				.authenticationEntryPoint((request, response, ex) -> problems.write(request, response,
						unauthenticated(request, read, endUser, properties), "unauthenticated"))
				.accessDeniedHandler((request, response, ex) -> problems.write(request, response,
						Problems.of(HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
								"This credential does not open this path"),
						"forbidden")))
			.authorizeHttpRequests((requests) -> requests.requestMatchers(probes)
				.permitAll()
				.requestMatchers(metrics)
				.hasAuthority(METRICS.getAuthority())
				.requestMatchers(read)
				.hasAuthority(READ.getAuthority())
				.requestMatchers(endUser)
				.hasAuthority(END_USER.getAuthority())
				.anyRequest()
				.denyAll());
		return http.build();
	}

	/** Authenticates the requests of one key realm with that realm's credentials only. */
	private static AuthenticationFilter keyFilter(RequestMatcher paths, Credentials credentials,
			SimpleGrantedAuthority authority, ProblemResponses problems) {
		AuthenticationFilter filter = new AuthenticationFilter((Authentication presented) -> {
			Presented key = (Presented) presented;
			if (!credentials.accepts(key.first, key.second)) {
				throw new BadCredentialsException("wrong credential for " + authority.getAuthority());
			}
			return UsernamePasswordAuthenticationToken.authenticated(authority.getAuthority(), null,
					List.of(authority));
		}, (HttpServletRequest request) -> {
			String key = request.getHeader(credentials.headerName());
			String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
			return credentials.presented(key, authorization) ? new Presented(key, authorization) : null;
		});
		return configure(filter, paths, problems);
	}

	/**
	 * Authenticates an end user by the Kratos session the request carries, as whoami
	 * tells.
	 */
	private static AuthenticationFilter sessionFilter(RequestMatcher paths, KratosSessions sessions,
			ProblemResponses problems) {
		AuthenticationFilter filter = new AuthenticationFilter((Authentication presented) -> {
			Presented session = (Presented) presented;
			String cookie = session.first;
			String token = session.second;
			if ((cookie != null && !KratosSessions.isSendable(cookie))
					|| (token != null && !KratosSessions.isSendable(token))) {
				// cannot be a Kratos session, and cannot be sent as a header value:
				// refused without asking Kratos
				throw new BadCredentialsException("not a session token");
			}
			KratosSessions.Verdict verdict = sessions.whoami(cookie, token);
			if (verdict instanceof KratosSessions.Verdict.Active active) {
				return UsernamePasswordAuthenticationToken.authenticated(new KratosSession(active.identityId(), false),
						null, List.of(END_USER));
			}
			if (verdict instanceof KratosSessions.Verdict.NeedsSecondFactor) {
				return UsernamePasswordAuthenticationToken.authenticated(new KratosSession(null, true), null,
						List.of(END_USER));
			}
			if (verdict instanceof KratosSessions.Verdict.Unavailable unavailable) {
				throw new KratosUnavailable(unavailable.detail());
			}
			throw new BadCredentialsException("no active Kratos session");
		}, (HttpServletRequest request) -> {
			String cookie = cookie(request, sessions);
			String token = request.getHeader("X-Session-Token");
			return (cookie != null || token != null) ? new Presented(cookie, token) : null;
		});
		return configure(filter, paths, problems);
	}

	private static String cookie(HttpServletRequest request, KratosSessions sessions) {
		Cookie[] cookies = request.getCookies();
		if (cookies == null) {
			return null;
		}
		for (Cookie cookie : cookies) {
			if (cookie.getName().equals(sessions.cookieName())) {
				return cookie.getValue();
			}
		}
		return null;
	}

	private static AuthenticationFilter configure(AuthenticationFilter filter, RequestMatcher paths,
			ProblemResponses problems) {
		filter.setRequestMatcher(paths);
		filter.setSecurityContextRepository(new RequestAttributeSecurityContextRepository());
		filter.setSuccessHandler((request, response, authentication) -> {
			// go on to the handler
		});
		filter.setFailureHandler((request, response, ex) -> failed(request, response, ex, problems));
		return filter;
	}

	private static void failed(HttpServletRequest request, HttpServletResponse response, AuthenticationException ex,
			ProblemResponses problems) throws IOException {
		if (ex instanceof KratosUnavailable) {
			KRATOS_DOWN.failed("kratos unavailable",
					"Cannot validate a session: Kratos unavailable (" + ex.getMessage() + "); answering 502");
			problems.write(
					request, response, Problems.of(HttpStatus.BAD_GATEWAY, "kratos-unavailable",
							"Kratos is unavailable", "The session could not be validated with Kratos; retry later"),
					"kratos_unavailable");
			return;
		}
		problems.write(request, response, Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated",
				"Authentication required", "The credential presented does not open this path"), "unauthenticated");
	}

	private static ProblemDetail unauthenticated(HttpServletRequest request, RequestMatcher read,
			RequestMatcher endUser, WorkerProperties properties) {
		String detail = read.matches(request)
				? "A valid read API key is required in the " + properties.readAuth().headerName() + " header"
				: endUser.matches(request)
						? "Send the Kratos session cookie or the X-Session-Token header of an " + "active session"
						: "No credential opens this path";
		return Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated", "Authentication required", detail);
	}

	private static void checkConfiguration(WorkerProperties properties, KratosSessions sessions, int serverPort,
			int managementPort) {
		RequestGate.requireOwnManagementPort(serverPort, managementPort, "the read API");
		new CredentialPolicy()
			.optionalRealm("READ_API_KEYS / READ_BASIC_CREDENTIALS", properties.readAuth(), "/api/identities/**")
			.optionalRealm("METRICS_API_KEYS / METRICS_BASIC_CREDENTIALS", properties.metricsAuth(),
					"/actuator/prometheus on the management port")
			.enforce(properties.allowExampleCredentials());
		log.info(
				"Realms: read ({} credentials), end user (Kratos session via whoami{}), metrics ({} credentials); "
						+ "every other request is refused; probes open on the management port {}",
				properties.readAuth().all().size(),
				sessions.cacheTtl().isZero() ? "" : ", active sessions remembered for " + sessions.cacheTtl(),
				properties.metricsAuth().all().size(), managementPort);
	}

	/**
	 * A credential as the request presented it, before it is checked: the key header and
	 * the {@code Authorization} header of a key realm, or the session cookie and the
	 * {@code X-Session-Token} header of the end-user realm.
	 */
	private static final class Presented extends UsernamePasswordAuthenticationToken {

		private static final long serialVersionUID = 1L;

		private final transient String first;

		private final transient String second;

		Presented(String first, String second) {
			super("presented", null);
			this.first = first;
			this.second = second;
		}

		@Override
		public String toString() {
			return "Presented[******]";
		}

	}

	/** Kratos could not tell whether the session is valid. */
	static final class KratosUnavailable extends AuthenticationServiceException {

		private static final long serialVersionUID = 1L;

		KratosUnavailable(String detail) {
			super(detail);
		}

	}

}
