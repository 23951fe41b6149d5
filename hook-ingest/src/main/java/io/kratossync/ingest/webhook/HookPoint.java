package io.kratossync.ingest.webhook;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.kratossync.events.AddressVerified;
import io.kratossync.events.IdentityEvent;
import io.kratossync.events.LoggedIn;
import io.kratossync.events.PasswordChanged;
import io.kratossync.events.ProfileUpdated;
import io.kratossync.events.Recovered;
import io.kratossync.events.Registered;
import io.kratossync.events.SecondFactorChanged;
import io.kratossync.events.Uuids;
import io.kratossync.ingest.web.InvalidPayloadException;

/**
 * The Kratos after-hook points this service handles and the event each becomes. The URL
 * names the hook point: nothing in Kratos's {@code ctx} says which flow or hook fired.
 *
 * @param flow the self-service flow, e.g. {@code settings}
 * @param method the method of the after hook, e.g. {@code password}; {@code null} for
 * recovery and verification, which have one after list
 */
record HookPoint(String flow, String method) {

	/** Turns a parsed body and the time of receipt into the event. */
	@FunctionalInterface
	private interface Mapping {

		IdentityEvent toEvent(HookPoint point, HookBody body, Instant receivedAt);

	}

	private static final Map<HookPoint, Mapping> MAPPINGS = mappings();

	private static Map<HookPoint, Mapping> mappings() {
		Map<HookPoint, Mapping> map = new LinkedHashMap<>();
		for (String method : Set.of("password", "oidc", "webauthn", "passkey", "code")) {
			map.put(new HookPoint("registration", method), (point, body, now) -> new Registered(body.identityId(),
					orElse(body.createdAt(), now), point.method(), body.profile()));
		}
		for (String method : Set.of("password", "oidc", "code", "totp", "webauthn", "passkey", "lookup_secret")) {
			map.put(new HookPoint("login", method), (point, body, now) -> new LoggedIn(body.identityId(),
					orElse(body.authenticatedAt(), now), point.method(), body.sessionId(), body.aal()));
		}
		map.put(new HookPoint("settings", "password"), (point, body, now) -> new PasswordChanged(body.identityId(),
				orElse(body.updatedAt(), now), body.flowId()));
		// settings/oidc links or unlinks a social account; the identity's traits may
		// change with it, so it is a
		// profile update carrying the fresh profile
		for (String method : Set.of("profile", "oidc")) {
			map.put(new HookPoint("settings", method), (point, body, now) -> new ProfileUpdated(body.identityId(),
					orElse(body.updatedAt(), now), point.method(), body.profile()));
		}
		for (String method : Set.of("totp", "webauthn", "passkey", "lookup_secret")) {
			map.put(new HookPoint("settings", method), (point, body, now) -> new SecondFactorChanged(body.identityId(),
					orElse(body.updatedAt(), now), point.method()));
		}
		map.put(new HookPoint("recovery", null),
				(point, body, now) -> new Recovered(body.identityId(), now, body.flowId()));
		map.put(new HookPoint("verification", null), (point, body, now) -> {
			HookBody.Address address = body.lastVerifiedAddress()
				.orElseThrow(() -> new InvalidPayloadException("identity.verifiable_addresses",
						"holds no verified address after a verification flow"));
			return new AddressVerified(body.identityId(), orElse(address.verifiedAt(), now), address.value(),
					(address.via() != null) ? address.via() : "email");
		});
		return Map.copyOf(map);
	}

	static Optional<HookPoint> of(String flow, String method) {
		HookPoint point = new HookPoint(flow, method);
		return MAPPINGS.containsKey(point) ? Optional.of(point) : Optional.empty();
	}

	/**
	 * The event this hook point's call stands for. Its time is the time of the change as
	 * Kratos saved it (the identity's {@code created_at} or {@code updated_at}, the
	 * session's {@code authenticated_at}, the address's {@code verified_at}) or, when
	 * Kratos did not pass a real one, the time of receipt.
	 * @param body the parsed body
	 * @param receivedAt the time of receipt
	 * @return the event
	 */
	IdentityEvent toEvent(HookBody body, Instant receivedAt) {
		return MAPPINGS.get(this).toEvent(this, body, receivedAt);
	}

	/**
	 * The id of the event when Kratos did not send {@code Ory-Webhook-Trigger-ID}: a
	 * name-based UUID over this hook point, the flow, the identity and its
	 * {@code updated_at}, so a retry of the same call is the same event.
	 * @param body the parsed body
	 * @return the id, or empty when the body has too little to tell calls apart
	 */
	Optional<UUID> derivedEventId(HookBody body) {
		if (body.flowId() == null && body.updatedAt() == null) {
			return Optional.empty();
		}
		return Optional.of(Uuids.nameBased(path(), String.valueOf(body.flowId()), body.identityId().toString(),
				String.valueOf(body.updatedAt())));
	}

	/**
	 * @return {@code flow/method} or {@code flow}, as in the URL
	 */
	String path() {
		return (this.method != null) ? this.flow + "/" + this.method : this.flow;
	}

	private static Instant orElse(Instant instant, Instant fallback) {
		return (instant != null) ? instant : fallback;
	}

}
