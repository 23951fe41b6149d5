package io.kratossync.ingest.webhook;

import java.time.Duration;
import java.util.UUID;

import io.kratossync.events.Uuids;
import io.kratossync.support.RejectionLog;
import io.kratossync.support.SummaryWindow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The event id of a webhook: Kratos's {@code Ory-Webhook-Trigger-ID} (one per hook
 * execution, the same on its retries), else a name-based id derived from the body. A
 * trigger id that is not a UUID is not Kratos's: it is counted
 * ({@code kratos_sync_malformed_trigger_ids_total}), logged at most once a minute (a cut,
 * printable form), and the derived id is used instead.
 */
@Component
class TriggerIds {

	private static final Logger log = LoggerFactory.getLogger(TriggerIds.class);

	private final Counter malformed;

	private final SummaryWindow window = new SummaryWindow(Duration.ofMinutes(1), System::nanoTime);

	private volatile boolean firstLogged;

	TriggerIds(MeterRegistry meters) {
		this.malformed = Counter.builder("kratos_sync_malformed_trigger_ids")
			.description("Ory-Webhook-Trigger-ID headers that were not a UUID; the derived id was used")
			.register(meters);
	}

	UUID eventId(HookPoint point, String triggerId, HookBody body) {
		if (triggerId != null) {
			try {
				return Uuids.parseStrict(triggerId.trim());
			}
			catch (IllegalArgumentException ex) {
				this.malformed.increment();
				if (!this.firstLogged || this.window.closeIfOver() >= 0) {
					this.firstLogged = true;
					log.warn(
							"A {} webhook for identity {} carried an Ory-Webhook-Trigger-ID that is not a UUID ({}): "
									+ "using the id derived from the body instead; counted in "
									+ "kratos_sync_malformed_trigger_ids_total, logged at most once a minute",
							point.path(), body.identityId(), RejectionLog.printable(triggerId, 40));
				}
			}
		}
		return point.derivedEventId(body).orElseGet(UUID::randomUUID);
	}

}
