package io.kratossync.ingest.webhook;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;

import io.kratossync.events.IdentityEvent;
import io.kratossync.events.PasswordChanged;

/**
 * A Kratos hook point this service handles (the URL names it: nothing in Kratos's {@code ctx} says which flow or
 * hook fired) and the event it becomes.
 *
 * @param flow the self-service flow, e.g. {@code settings}
 * @param method the method of the after hook, e.g. {@code password}
 */
record HookPoint(String flow, String method) {

	private static final Map<HookPoint, BiFunction<HookBody, Instant, IdentityEvent>> MAPPINGS = Map
		.of(new HookPoint("settings", "password"), (body, at) -> new PasswordChanged(body.identityId(), at, body.flowId()));

	static Optional<HookPoint> of(String flow, String method) {
		HookPoint point = new HookPoint(flow, method);
		return MAPPINGS.containsKey(point) ? Optional.of(point) : Optional.empty();
	}

	/**
	 * The event this hook point's call stands for. Its time is the identity's {@code updated_at} (the moment the
	 * change was saved) or, when Kratos did not pass a real one, the time of receipt.
	 * @param body the parsed body
	 * @param clock the clock for the time of receipt
	 * @return the event
	 */
	IdentityEvent toEvent(HookBody body, Clock clock) {
		Instant at = (body.identityUpdatedAt() != null) ? body.identityUpdatedAt() : clock.instant();
		return MAPPINGS.get(this).apply(body, at);
	}

	/**
	 * The id of the event when Kratos did not send {@code Ory-Webhook-Trigger-ID}: a name-based UUID over this
	 * hook point, the flow, the identity and its {@code updated_at}, so a retry of the same call is the same
	 * event.
	 * @param body the parsed body
	 * @return the id, or empty when the body has too little to tell calls apart
	 */
	Optional<UUID> derivedEventId(HookBody body) {
		if (body.flowId() == null && body.identityUpdatedAt() == null) {
			return Optional.empty();
		}
		return Optional.of(io.kratossync.events.Uuids.nameBased(path(), String.valueOf(body.flowId()),
				body.identityId().toString(), String.valueOf(body.identityUpdatedAt())));
	}

	/** @return {@code flow/method}, as in the URL */
	String path() {
		return this.flow + "/" + this.method;
	}

}
