package io.kratossync.ingest.webhook;

import java.time.Duration;
import java.time.Instant;

import io.kratossync.ingest.system.IngestProperties;
import io.kratossync.support.SummaryWindow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Bounds how far in the future a webhook's times may lie: a time later than its receipt
 * plus {@code FUTURE_TOLERANCE} is replaced by that bound, counted
 * ({@code kratos_sync_future_timestamps_clamped_total}) and logged (at most once a
 * minute). Kratos's times decide every fence; a Kratos host whose clock runs a day fast
 * would otherwise fence out every real change for a day once its clock is corrected.
 */
@Component
class FutureClamp {

	private static final Logger log = LoggerFactory.getLogger(FutureClamp.class);

	private final Duration tolerance;

	private final Counter clamped;

	private final SummaryWindow window = new SummaryWindow(Duration.ofMinutes(1), System::nanoTime);

	private volatile boolean firstLogged;

	FutureClamp(IngestProperties properties, MeterRegistry meters) {
		this.tolerance = properties.futureTolerance();
		this.clamped = Counter.builder("kratos_sync_future_timestamps_clamped")
			.description("Times in webhooks beyond the future tolerance, replaced by the time of receipt plus it")
			.register(meters);
	}

	/**
	 * @param body the webhook body
	 * @param point the hook point, for the log
	 * @param receivedAt the time of receipt
	 * @return the body, its times bounded by the time of receipt plus the tolerance
	 */
	HookBody bound(HookBody body, HookPoint point, Instant receivedAt) {
		Instant limit = receivedAt.plus(this.tolerance);
		int late = body.countAfter(limit);
		if (late == 0) {
			return body;
		}
		this.clamped.increment(late);
		if (!this.firstLogged || this.window.closeIfOver() >= 0) {
			this.firstLogged = true;
			log.warn(
					"A {} webhook for identity {} carried {} time(s) more than {} after its receipt at {}: is Kratos's "
							+ "clock fast? Clamped to {}; counted in kratos_sync_future_timestamps_clamped_total, logged at "
							+ "most once a minute",
					point.path(), body.identityId(), late, this.tolerance, receivedAt, limit);
		}
		return body.notAfter(limit);
	}

}
