package io.kratossync.worker.kratos;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.kratossync.support.SummaryWindow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Whether Kratos's Admin API accepts our credentials. A {@code 401} or {@code 403} is a
 * configuration error (a wrong Ory Network token, an admin URL that points at a proxy
 * asking for login): it is logged at ERROR (at most once a minute), counted in
 * {@code kratos_sync_kratos_auth_failures_total}, and takes readiness down until a call
 * succeeds again, instead of days of silent retries. Part of the readiness group as
 * {@code kratosAdmin}.
 */
@Component("kratosAdminHealthIndicator")
public class KratosAdminHealthIndicator extends AbstractHealthIndicator {

	private static final Logger log = LoggerFactory.getLogger(KratosAdminHealthIndicator.class);

	private final AtomicReference<String> refusal = new AtomicReference<>();

	private final Counter failures;

	private final SummaryWindow errorLog = new SummaryWindow(Duration.ofMinutes(1), System::nanoTime);

	private volatile boolean firstLogged;

	KratosAdminHealthIndicator(MeterRegistry meters) {
		super("Kratos's Admin API refuses our credentials");
		this.failures = Counter.builder("kratos_sync_kratos_auth_failures")
			.description("Kratos Admin API calls refused with 401 or 403: a configuration error")
			.register(meters);
	}

	/**
	 * A call was refused with 401 or 403.
	 * @param adminUrl where
	 * @param detail the status
	 */
	void refused(String adminUrl, String detail) {
		this.failures.increment();
		this.refusal.set(detail);
		if (!this.firstLogged || this.errorLog.closeIfOver() >= 0) {
			this.firstLogged = true;
			log.error(
					"Kratos Admin API at {} refused our credentials ({}): revocations wait in the outbox and "
							+ "readiness is down until a call succeeds; this line repeats at most once a minute",
					adminUrl, detail);
		}
	}

	/** A call was accepted (whatever its answer about the identity). */
	void accepted() {
		if (this.refusal.getAndSet(null) != null) {
			this.firstLogged = false;
			log.info("Kratos Admin API accepts our credentials again");
		}
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		String detail = this.refusal.get();
		if (detail != null) {
			builder.down().withDetail("refused", detail);
		}
		else {
			builder.up();
		}
	}

}
