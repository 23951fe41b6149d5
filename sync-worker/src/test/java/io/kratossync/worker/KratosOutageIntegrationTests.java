package io.kratossync.worker;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityId;
import io.kratossync.events.PasswordChangeRequired;
import io.kratossync.testing.KratosStub;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kratos's admin API refuses connections, then answers 500, then answers too slowly, then
 * recovers: every required revocation still happens, once per identity; the circuit
 * breaker opens and closes again; the database holds one outbox row per event.
 */
@TestPropertySource(properties = { "kratos-sync.worker.outbox.breaker-open-for=1s",
		"kratos-sync.worker.outbox.initial-backoff=100ms", "kratos-sync.worker.outbox.max-backoff=300ms",
		"kratos-sync.worker.kratos.read-timeout=1s" })
@DirtiesContext
class KratosOutageIntegrationTests extends WorkerIntegrationTestSupport {

	@Autowired
	CircuitBreaker kratosAdminBreaker;

	@Autowired
	MeterRegistry meters;

	@Test
	void everyRevocationHappensOnceThroughRefusalsErrorsAndTimeouts() {
		List<CircuitBreaker.StateTransition> transitions = new CopyOnWriteArrayList<>();
		this.kratosAdminBreaker.getEventPublisher().onStateTransition((e) -> transitions.add(e.getStateTransition()));
		List<UUID> identities = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
				UUID.randomUUID(), UUID.randomUUID());
		identities.forEach(kratos::createSession);

		kratos.refuseConnections();
		List<EventEnvelope> events = identities.stream()
			.map((id) -> envelope(new PasswordChangeRequired(new IdentityId(id), Instant.now(), null)))
			.toList();
		publish(events.toArray(EventEnvelope[]::new));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.kratosAdminBreaker.getState() == CircuitBreaker.State.OPEN);
		assertThat(gauge("open")).isEqualTo(1.0);

		kratos.failNext(3, 500, Duration.ZERO);
		kratos.failNext(2, 204, Duration.ofMillis(2500));
		kratos.acceptConnections();

		await().atMost(Duration.ofSeconds(60))
			.until(() -> events.stream().allMatch((e) -> "done".equals(actionStatus(e.id()))));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.kratosAdminBreaker.getState() == CircuitBreaker.State.CLOSED);
		assertThat(transitions).contains(CircuitBreaker.StateTransition.CLOSED_TO_OPEN,
				CircuitBreaker.StateTransition.HALF_OPEN_TO_CLOSED);
		assertThat(gauge("closed")).isEqualTo(1.0);
		for (UUID identity : identities) {
			assertThat(kratos.activeSessions(identity)).isZero();
			// exactly one call deleted the sessions; any later one found none (404)
			assertThat(kratos.revocationCalls(identity).stream().filter((c) -> c.status() == 204 && !c.injected()))
				.hasSize(1);
		}
		assertThat(this.jdbc.sql("SELECT count(*) FROM kratos_actions WHERE identity_id IN (:ids)")
			.param("ids", identities)
			.query(Long.class)
			.single()).isEqualTo(identities.size());
		assertThat(kratos.calls().stream().anyMatch((c) -> c.status() == 500)).isTrue();
	}

	@Test
	void refusedCredentialsTakeReadinessDownUntilACallSucceeds() throws Exception {
		UUID identity = UUID.randomUUID();
		kratos.createSession(identity);
		// an Ory Network token that is wrong: every call answered 401, then mended
		kratos.failNext(2, 401, Duration.ZERO);
		EventEnvelope required = envelope(new PasswordChangeRequired(new IdentityId(identity), Instant.now(), null));
		publish(required);

		await().atMost(Duration.ofSeconds(30)).until(() -> readiness() == 503);
		assertThat(this.meters.get("kratos_sync_kratos_auth_failures").counter().count()).isGreaterThanOrEqualTo(1);
		assertThat(actionStatus(required.id())).isEqualTo("pending");

		await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(actionStatus(required.id())));
		await().atMost(Duration.ofSeconds(10)).until(() -> readiness() == 200);
		assertThat(kratos.activeSessions(identity)).isZero();
	}

	@Test
	void aRetryAfterOf429IsHonoured() {
		UUID identity = UUID.randomUUID();
		kratos.createSession(identity);
		kratos.failNext(1, 429, Duration.ZERO, Map.of("Retry-After", "2"));
		EventEnvelope required = envelope(new PasswordChangeRequired(new IdentityId(identity), Instant.now(), null));
		publish(required);

		await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(actionStatus(required.id())));
		List<KratosStub.Call> calls = kratos.revocationCalls(identity);
		assertThat(calls).extracting(KratosStub.Call::status).containsExactly(429, 204);
		// the back-off alone would have waited 100-300 ms
		assertThat(Duration.ofNanos(calls.get(1).atNanos() - calls.get(0).atNanos()))
			.isGreaterThanOrEqualTo(Duration.ofMillis(1900));
	}

	private int readiness() throws Exception {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + "/actuator/health/readiness"))
			.build();
		return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	private double gauge(String state) {
		return this.meters.get("resilience4j.circuitbreaker.state")
			.tag("name", "kratos-admin")
			.tag("state", state)
			.gauge()
			.value();
	}

}
