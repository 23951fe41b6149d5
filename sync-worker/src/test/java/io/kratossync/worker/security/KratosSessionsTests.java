package io.kratossync.worker.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.kratossync.support.Credentials;
import io.kratossync.support.Secret;
import io.kratossync.testing.KratosStub;
import io.kratossync.testing.RawHttp;
import io.kratossync.worker.kratos.KratosTransport;
import io.kratossync.worker.system.WorkerProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whoami client against the Kratos stub: the optional cache of active sessions and
 * the circuit breaker.
 */
class KratosSessionsTests {

	private final KratosStub kratos = KratosStub.start();

	@AfterEach
	void stop() {
		this.kratos.close();
	}

	@Test
	void asksKratosEveryTimeByDefault() {
		KratosSessions sessions = sessions(Duration.ZERO);
		UUID identity = UUID.randomUUID();
		String token = this.kratos.createSession(identity);

		assertThat(sessions.whoami(null, token)).isEqualTo(new KratosSessions.Verdict.Active(identity));
		assertThat(sessions.whoami(null, token)).isEqualTo(new KratosSessions.Verdict.Active(identity));
		assertThat(whoamiCalls()).isEqualTo(2);
	}

	@Test
	void remembersAnActiveSessionForTheTtlEvenWhenItIsRevokedMeanwhile() {
		KratosSessions sessions = sessions(Duration.ofMinutes(1));
		UUID identity = UUID.randomUUID();
		String token = this.kratos.createSession(identity);
		String other = this.kratos.createSession(identity);

		assertThat(sessions.whoami(null, token)).isInstanceOf(KratosSessions.Verdict.Active.class);
		RawHttp.send(Integer.parseInt(this.kratos.url().replaceAll(".*:", "")), "DELETE",
				"/admin/identities/" + identity + "/sessions", Map.of());
		assertThat(this.kratos.activeSessions(identity)).isZero();

		// the documented trade-off: revoked in Kratos, still accepted until the entry
		// expires
		assertThat(sessions.whoami(null, token)).isEqualTo(new KratosSessions.Verdict.Active(identity));
		// a value not remembered is asked about, and only active sessions are remembered
		assertThat(sessions.whoami(other, null)).isInstanceOf(KratosSessions.Verdict.Unauthenticated.class);
		assertThat(sessions.whoami(other, null)).isInstanceOf(KratosSessions.Verdict.Unauthenticated.class);
		assertThat(whoamiCalls()).isEqualTo(3);
	}

	@Test
	void stopsAskingADeadKratosOnceTheBreakerOpens() {
		KratosSessions sessions = sessions(Duration.ZERO);
		this.kratos.refuseConnections();
		for (int i = 0; i < 10; i++) {
			assertThat(sessions.whoami(null, "ory_st_x")).isInstanceOf(KratosSessions.Verdict.Unavailable.class);
		}
		this.kratos.acceptConnections();

		KratosSessions.Verdict verdict = sessions.whoami(null, "ory_st_x");

		assertThat(verdict)
			.isEqualTo(new KratosSessions.Verdict.Unavailable("circuit breaker open after repeated failures"));
		assertThat(whoamiCalls()).isZero();
	}

	@Test
	void refusesValuesThatCannotBeASessionOrAHeader() {
		assertThat(KratosSessions.isSendable("ory_st_abc123")).isTrue();
		assertThat(KratosSessions.isSendable("MTcwMDAwMDAwMHxEdi1CQkFFQ180SUFBUkFCRUFBQV9=")).isTrue();
		assertThat(KratosSessions.isSendable("")).isFalse();
		assertThat(KratosSessions.isSendable("a b")).isFalse();
		assertThat(KratosSessions.isSendable("a\r\nX-Injected: 1")).isFalse();
		assertThat(KratosSessions.isSendable("caf\u00e9")).isFalse();
		assertThat(KratosSessions.isSendable("a;b")).isFalse();
		assertThat(KratosSessions.isSendable("x".repeat(4097))).isFalse();
	}

	private long whoamiCalls() {
		return this.kratos.calls().stream().filter((c) -> c.path().equals("/sessions/whoami")).count();
	}

	private KratosSessions sessions(Duration ttl) {
		WorkerProperties.Kratos kratosSettings = new WorkerProperties.Kratos(URI.create(this.kratos.url()),
				URI.create(this.kratos.url()), Secret.NONE, "ory_kratos_session", "", Duration.ofSeconds(1),
				Duration.ofSeconds(1), ttl);
		Credentials none = new Credentials("X-Key", List.of(), List.of());
		WorkerProperties properties = new WorkerProperties(none, none, false, kratosSettings,
				new WorkerProperties.Outbox(Duration.ofMillis(500), 20, Duration.ofSeconds(30), Duration.ofSeconds(1),
						Duration.ofMinutes(5), Duration.ofDays(7), 50, Duration.ofSeconds(30)),
				new WorkerProperties.Consumer(Duration.ofMillis(500), Duration.ofSeconds(30), 2),
				new WorkerProperties.Retention(Duration.ofDays(30), Duration.ofDays(30), Duration.ofMinutes(10),
						10000));
		CircuitBreaker breaker = new SecurityConfiguration().kratosPublicBreaker(properties, new SimpleMeterRegistry());
		return new KratosSessions(RestClient.builder(), properties, new KratosTransport(properties), breaker);
	}

}
