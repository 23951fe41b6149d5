package io.kratossync.ingest.cdc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import io.kratossync.events.AddressVerified;
import io.kratossync.events.EventEnvelope;
import io.kratossync.events.EventJson;
import io.kratossync.events.IdentityCreated;
import io.kratossync.events.IdentityDeleted;
import io.kratossync.events.IdentityEvent;
import io.kratossync.events.IdentityId;
import io.kratossync.events.IdentityUpdated;
import io.kratossync.events.PasswordChanged;
import io.kratossync.events.Profile;
import io.kratossync.events.SessionExpired;
import io.kratossync.events.SessionIssued;
import io.kratossync.events.SessionRevoked;
import io.kratossync.events.StateChanged;
import io.kratossync.events.Uuids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Turns one Kratos transaction, as its row changes, into identity events, the way
 * {@code WRITES.md} says Kratos writes each operation. One transaction is one change: the
 * rows that cascade from an identity's deletion produce nothing more; a password
 * credential that Kratos deletes and re-inserts with the same hash (an e-mail change) is
 * not a password change, decided inside the transaction by comparing the salted digests
 * of the deleted and the inserted credential's {@code config}; an update that only moved
 * {@code updated_at} produces nothing.
 * <p>
 * Event ids are name-based over the position of the row change that decided the event
 * (its LSN, table and key) and the event type: reading the same WAL again after a crash
 * gives the same ids, which the worker's inbox drops.
 */
final class KratosChanges {

	/**
	 * The fixed id of the {@code password} row of {@code identity_credential_types},
	 * seeded by Kratos's migrations.
	 */
	static final String PASSWORD_TYPE = "78c1b41d-8341-4507-aa60-aff1d4369670";

	/** The {@code ce_source} of every event read from Kratos's database. */
	static final String SOURCE = "/kratos-sync/cdc";

	private static final Logger log = LoggerFactory.getLogger(KratosChanges.class);

	/**
	 * The events of one transaction, in the order of the row changes that decided them.
	 * @param transaction the row changes of one Kratos transaction, in commit order
	 * @return the events (often none)
	 */
	List<EventEnvelope> map(List<RowChange> transaction) {
		Transaction tx = new Transaction(transaction);
		List<EventEnvelope> events = new ArrayList<>();
		for (RowChange change : transaction) {
			switch (change.table()) {
				case "identities" -> identity(change, tx, events);
				case "identity_credentials" -> credential(change, tx, events);
				case "identity_verifiable_addresses" -> address(change, tx, events);
				case "sessions" -> session(change, tx, events);
				default -> {
					// not a table of the publication
				}
			}
		}
		return events;
	}

	private void identity(RowChange change, Transaction tx, List<EventEnvelope> events) {
		String id = change.identityId();
		switch (change.op()) {
			case CREATE, READ -> {
				Instant createdAt = RowChange.time(change.after(), "created_at");
				add(events, change, new IdentityCreated(IdentityId.parse(id), createdAt,
						profile(change.after(), tx.insertedAddresses.get(id))));
			}
			case UPDATE -> {
				Map<String, Object> before = change.before();
				Map<String, Object> after = change.after();
				Instant updatedAt = RowChange.time(after, "updated_at");
				if (before == null) {
					log.warn("An update of identity {} came without its old row: set REPLICA IDENTITY FULL on "
							+ "identities (README \"Change data capture\"); taken as a profile update", id);
				}
				String state = RowChange.text(after, "state");
				if (before != null && !Objects.equals(RowChange.text(before, "state"), state)
						&& ("active".equals(state) || "inactive".equals(state))) {
					add(events, change, new StateChanged(IdentityId.parse(id), updatedAt, state));
				}
				if (before == null || changed(before, after, "traits") || changed(before, after, "schema_id")
						|| changed(before, after, "metadata_public")) {
					add(events, change, new IdentityUpdated(IdentityId.parse(id), updatedAt,
							profile(after, tx.insertedAddresses.get(id))));
				}
			}
			case DELETE -> add(events, change, new IdentityDeleted(IdentityId.parse(id), change.committedAt()));
		}
	}

	/**
	 * A password credential inserted (or rewritten) with a digest that no password
	 * credential deleted in the same transaction had: the password really changed. Its
	 * time is the identity's {@code updated_at} from the same transaction (what the
	 * settings hook reports), else the credential's.
	 */
	private void credential(RowChange change, Transaction tx, List<EventEnvelope> events) {
		String id = change.identityId();
		if (id == null || tx.createdOrDeleted(id) || change.after() == null
				|| !PASSWORD_TYPE.equals(RowChange.text(change.after(), "identity_credential_type_id"))) {
			return;
		}
		String digest = RowChange.text(change.after(), "config");
		boolean same = (change.op() == RowChange.Op.UPDATE && change.before() != null)
				? Objects.equals(RowChange.text(change.before(), "config"), digest)
				: tx.removedPasswords.getOrDefault(id, Set.of()).contains(digest);
		if (same || !tx.passwordReported.add(id)) {
			return;
		}
		Instant at = tx.identityUpdatedAt.getOrDefault(id, RowChange.time(change.after(), "updated_at"));
		add(events, change, new PasswordChanged(IdentityId.parse(id), at, null));
	}

	/**
	 * An e-mail or phone address turning verified: an update from unverified to verified
	 * (the verification and recovery flows), or an insert of a verified address that was
	 * not verified before in this transaction (an administrator's patch).
	 */
	private void address(RowChange change, Transaction tx, List<EventEnvelope> events) {
		String id = change.identityId();
		Map<String, Object> after = change.after();
		if (id == null || after == null || tx.createdOrDeleted(id)
				|| !Boolean.TRUE.equals(RowChange.bool(after, "verified"))) {
			return;
		}
		String value = RowChange.text(after, "value");
		boolean wasVerified = (change.op() == RowChange.Op.UPDATE && change.before() != null)
				? Boolean.TRUE.equals(RowChange.bool(change.before(), "verified"))
				: tx.verifiedBefore.contains(id + "|" + lower(value));
		if (wasVerified || change.op() == RowChange.Op.READ || value == null || value.length() > Profile.MAX_LENGTH) {
			return;
		}
		Instant at = RowChange.time(after, "verified_at");
		add(events, change, new AddressVerified(IdentityId.parse(id), (at != null) ? at : change.committedAt(), value,
				Objects.requireNonNullElse(RowChange.text(after, "via"), "email")));
	}

	private void session(RowChange change, Transaction tx, List<EventEnvelope> events) {
		String id = change.identityId();
		if (id == null) {
			log.warn("A {} of session {} came without its identity: set REPLICA IDENTITY FULL on sessions (README "
					+ "\"Change data capture\"); no event", change.op(), change.id());
			return;
		}
		if (tx.deleted.contains(id)) {
			return;
		}
		UUID session = UUID.fromString(change.id());
		switch (change.op()) {
			case CREATE -> {
				Map<String, Object> after = change.after();
				Instant issued = RowChange.time(after, "issued_at");
				add(events, change, new SessionIssued(IdentityId.parse(id),
						(issued != null) ? issued : change.committedAt(), session, RowChange.text(after, "aal"),
						methods(RowChange.text(after, "authentication_methods")), RowChange.time(after, "expires_at")));
			}
			case UPDATE -> {
				Boolean wasActive = RowChange.bool(change.before(), "active");
				if (Boolean.FALSE.equals(RowChange.bool(change.after(), "active"))
						&& (change.before() == null || Boolean.TRUE.equals(wasActive))) {
					add(events, change,
							new SessionRevoked(IdentityId.parse(id), change.committedAt(), session, "deactivated"));
				}
			}
			case DELETE -> {
				Instant expires = RowChange.time(change.before(), "expires_at");
				if (expires != null && !expires.isAfter(change.committedAt())) {
					add(events, change, new SessionExpired(IdentityId.parse(id), expires, session));
				}
				else if (!Boolean.FALSE.equals(RowChange.bool(change.before(), "active"))) {
					add(events, change,
							new SessionRevoked(IdentityId.parse(id), change.committedAt(), session, "deleted"));
				}
			}
			case READ -> {
				// a snapshot does not re-issue existing sessions
			}
		}
	}

	private static void add(List<EventEnvelope> events, RowChange change, IdentityEvent event) {
		UUID id = Uuids.nameBased("cdc", Long.toString(change.lsn()), change.table(), change.id(),
				event.type().ceType());
		events.add(new EventEnvelope(id, SOURCE, change.committedAt(), event));
	}

	/**
	 * What the application keeps of the identity: schema, state and the primary e-mail
	 * (the first e-mail address inserted in this transaction, else {@code traits.email})
	 * with its verification when this transaction wrote the address.
	 */
	private static Profile profile(Map<String, Object> identity, List<Map<String, Object>> addresses) {
		String email = null;
		Boolean verified = null;
		if (addresses != null) {
			for (Map<String, Object> address : addresses) {
				if ("email".equals(RowChange.text(address, "via"))) {
					email = RowChange.text(address, "value");
					verified = Boolean.TRUE.equals(RowChange.bool(address, "verified"));
					break;
				}
			}
		}
		if (email == null) {
			email = traitsEmail(RowChange.text(identity, "traits"));
		}
		return new Profile(fit(RowChange.text(identity, "schema_id")), fit(RowChange.text(identity, "state")),
				fit(email), verified);
	}

	private static String traitsEmail(String traits) {
		if (traits == null) {
			return null;
		}
		try {
			JsonNode email = EventJson.mapper().readTree(traits).path("email");
			return email.isString() ? email.asString() : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static List<String> methods(String authenticationMethods) {
		List<String> methods = new ArrayList<>();
		if (authenticationMethods == null) {
			return methods;
		}
		try {
			for (JsonNode method : EventJson.mapper().readTree(authenticationMethods)) {
				String name = method.path("method").asString(null);
				if (name != null && name.length() <= 64 && !methods.contains(name)) {
					methods.add(name);
				}
			}
		}
		catch (JacksonException ex) {
			// no methods then
		}
		return methods;
	}

	private static String fit(String value) {
		return (value != null && value.length() <= Profile.MAX_LENGTH) ? value : null;
	}

	private static boolean changed(Map<String, Object> before, Map<String, Object> after, String column) {
		return !Objects.equals(RowChange.text(before, column), RowChange.text(after, column));
	}

	private static String lower(String value) {
		return (value != null) ? value.toLowerCase(Locale.ROOT) : null;
	}

	/** What the whole transaction did, looked up while its rows are mapped one by one. */
	private static final class Transaction {

		final Set<String> created = new HashSet<>();

		final Set<String> deleted = new HashSet<>();

		final Map<String, Instant> identityUpdatedAt = new HashMap<>();

		final Map<String, Set<String>> removedPasswords = new HashMap<>();

		final Map<String, List<Map<String, Object>>> insertedAddresses = new LinkedHashMap<>();

		final Set<String> verifiedBefore = new HashSet<>();

		final Set<String> passwordReported = new HashSet<>();

		Transaction(List<RowChange> changes) {
			for (RowChange change : changes) {
				String id = change.identityId();
				if (id == null) {
					continue;
				}
				switch (change.table()) {
					case "identities" -> {
						switch (change.op()) {
							case CREATE, READ -> this.created.add(id);
							case DELETE -> this.deleted.add(id);
							case UPDATE -> this.identityUpdatedAt.put(id, RowChange.time(change.after(), "updated_at"));
						}
					}
					case "identity_credentials" -> {
						if (change.op() == RowChange.Op.DELETE && PASSWORD_TYPE
							.equals(RowChange.text(change.before(), "identity_credential_type_id"))) {
							this.removedPasswords.computeIfAbsent(id, (k) -> new HashSet<>())
								.add(RowChange.text(change.before(), "config"));
						}
					}
					case "identity_verifiable_addresses" -> {
						if (change.op() == RowChange.Op.CREATE || change.op() == RowChange.Op.READ) {
							this.insertedAddresses.computeIfAbsent(id, (k) -> new ArrayList<>()).add(change.after());
						}
						if (change.op() == RowChange.Op.DELETE
								&& Boolean.TRUE.equals(RowChange.bool(change.before(), "verified"))) {
							this.verifiedBefore.add(id + "|" + lower(RowChange.text(change.before(), "value")));
						}
					}
					default -> {
					}
				}
			}
		}

		boolean createdOrDeleted(String id) {
			return this.created.contains(id) || this.deleted.contains(id);
		}

	}

}
