package io.kratossync.ingest.security;

import java.net.InetSocketAddress;
import java.util.List;

import io.kratossync.support.Credentials;
import io.kratossync.support.RequestGate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authorization.AuthorizationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authorization rules on their own, behind the authentication that already binds a
 * credential to the realm of its path: a caller holding one realm's authority never
 * passes on another realm's path, the metrics realm exists only on the management port,
 * the probes are open there and nowhere else, and a path of no realm is refused to
 * everyone.
 */
class RealmAuthorizationTests {

	private static final int APP_PORT = 8080;

	private static final int MANAGEMENT_PORT = 9080;

	private final RequestGate gate = new RequestGate(
			new MockEnvironment().withProperty("local.management.port", Integer.toString(MANAGEMENT_PORT)),
			new SimpleMeterRegistry());

	private final List<Realm> realms = List.of(
			new Realm("webhook", Realm.pathMatching("/hooks/kratos/**", "/api/kratos/hooks/**"), credentials()),
			new Realm("admin", Realm.pathMatching("/admin/**"), credentials()),
			new Realm("metrics", (exchange) -> SecurityConfiguration.onManagementPort(exchange, this.gate)
					&& Realm.pathMatching("/actuator/**").test(exchange), credentials()));

	@Test
	void aRealmOpensOnlyToItsOwnAuthority() {
		assertThat(granted(APP_PORT, "/admin/identities/x/password-change", caller("admin"))).isTrue();
		assertThat(granted(APP_PORT, "/admin/identities/x/password-change", caller("webhook"))).isFalse();
		assertThat(granted(APP_PORT, "/hooks/kratos/login/password", caller("webhook"))).isTrue();
		assertThat(granted(APP_PORT, "/hooks/kratos/login/password", caller("admin"))).isFalse();
		assertThat(granted(APP_PORT, "/hooks/kratos/login/password", null)).isFalse();
	}

	@Test
	void metricsAndProbesExistOnlyOnTheManagementPort() {
		assertThat(granted(MANAGEMENT_PORT, "/actuator/prometheus", caller("metrics"))).isTrue();
		assertThat(granted(APP_PORT, "/actuator/prometheus", caller("metrics"))).isFalse();
		assertThat(granted(MANAGEMENT_PORT, "/actuator/health/readiness", null)).isTrue();
		assertThat(granted(APP_PORT, "/actuator/health/readiness", null)).isFalse();
	}

	@Test
	void aPathOfNoRealmIsRefusedToEveryone() {
		for (String realm : new String[] { "webhook", "admin", "metrics" }) {
			assertThat(granted(APP_PORT, "/anything", caller(realm))).isFalse();
		}
		assertThat(granted(MANAGEMENT_PORT, "/hooks/kratos/login/password", caller("metrics"))).isFalse();
	}

	private boolean granted(int port, String path, Authentication caller) {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get(path).localAddress(new InetSocketAddress("127.0.0.1", port)));
		return SecurityConfiguration.authorization(this.realms, this.gate)
			.authorize((caller != null) ? Mono.just(caller) : Mono.empty(), new AuthorizationContext(exchange))
			.block()
			.isGranted();
	}

	private static Authentication caller(String realm) {
		return UsernamePasswordAuthenticationToken.authenticated(realm, null,
				List.of(new Realm(realm, (exchange) -> false, credentials()).authority()));
	}

	private static Credentials credentials() {
		return new Credentials("X-Key", List.of(), List.of());
	}

}
