package io.kratossync.ingest.cdc;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.EventType;
import io.kratossync.events.PasswordChanged;
import io.kratossync.events.SessionRevoked;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decisions of {@link KratosChanges} one by one, on row images shaped as Debezium
 * decodes Kratos's rows (the integration tests write the real statements).
 */
class KratosChangesTests {

	private static final String ID = "3a5293f1-f4d6-49f4-b34f-6da62c360604";

	private static final Instant COMMIT = Instant.parse("2026-06-01T10:00:00.5Z");

	private final KratosChanges changes = new KratosChanges();

	private long lsn = 100;

	@Test
	void anUpdateThatOnlyMovesUpdatedAtIsNoChange() {
		Map<String, Object> before = identity("active", "{\"email\": \"a@example.com\"}", 1_000_000L);
		Map<String, Object> after = identity("active", "{\"email\": \"a@example.com\"}", 2_000_000L);

		assertThat(this.changes.map(List.of(change("identities", RowChange.Op.UPDATE, before, after)))).isEmpty();
	}

	@Test
	void aStateAndTraitsChangeInOneTransactionGivesTheStateFirstThenTheUpdate() {
		Map<String, Object> before = identity("active", "{\"email\": \"a@example.com\"}", 1_000_000L);
		Map<String, Object> after = identity("inactive", "{\"email\": \"b@example.com\"}", 2_000_000L);

		assertThat(this.changes.map(List.of(change("identities", RowChange.Op.UPDATE, before, after))))
			.extracting(EventEnvelope::type)
			.containsExactly(EventType.STATE_CHANGED, EventType.IDENTITY_UPDATED);
	}

	@Test
	void aPasswordCredentialReinsertedWithTheSameDigestIsNoPasswordChange() {
		List<RowChange> tx = List.of(
				change("identities", RowChange.Op.UPDATE, identity("active", "{}", 1L), identity("active", "{}", 7L)),
				change("identity_credentials", RowChange.Op.DELETE, credential("sha256:aa"), null),
				change("identity_credentials", RowChange.Op.CREATE, null, credential("sha256:aa")));

		assertThat(this.changes.map(tx)).isEmpty();
	}

	@Test
	void aPasswordCredentialReinsertedWithAnotherDigestIsAPasswordChangeAtTheIdentitysUpdatedAt() {
		List<RowChange> tx = List.of(
				change("identities", RowChange.Op.UPDATE, identity("active", "{}", 1L), identity("active", "{}", 7L)),
				change("identity_credentials", RowChange.Op.DELETE, credential("sha256:aa"), null),
				change("identity_credentials", RowChange.Op.CREATE, null, credential("sha256:bb")));

		List<EventEnvelope> events = this.changes.map(tx);

		assertThat(events).extracting(EventEnvelope::type).containsExactly(EventType.PASSWORD_CHANGED);
		assertThat(((PasswordChanged) events.get(0).data()).changedAt()).isEqualTo(Instant.ofEpochSecond(0, 7000));
	}

	@Test
	void theRowsThatCascadeFromADeletionProduceNothingMore() {
		List<RowChange> tx = List.of(change("identities", RowChange.Op.DELETE, identity("active", "{}", 1L), null),
				change("identity_credentials", RowChange.Op.DELETE, credential("sha256:aa"), null),
				change("sessions", RowChange.Op.DELETE, session(true, COMMIT.plusSeconds(3600)), null));

		assertThat(this.changes.map(tx)).extracting(EventEnvelope::type).containsExactly(EventType.IDENTITY_DELETED);
	}

	@Test
	void aSessionRewrittenInactiveAgainIsNoRevocation() {
		assertThat(this.changes.map(List.of(change("sessions", RowChange.Op.UPDATE,
				session(false, COMMIT.plusSeconds(60)), session(false, COMMIT.plusSeconds(60))))))
			.isEmpty();
	}

	@Test
	void aDeletedSessionIsExpiredWhenItsTimeHadComeAndRevokedOtherwise() {
		List<EventEnvelope> expired = this.changes
			.map(List.of(change("sessions", RowChange.Op.DELETE, session(true, COMMIT.minusSeconds(1)), null)));
		List<EventEnvelope> revoked = this.changes
			.map(List.of(change("sessions", RowChange.Op.DELETE, session(true, COMMIT.plusSeconds(60)), null)));

		assertThat(expired).extracting(EventEnvelope::type).containsExactly(EventType.SESSION_EXPIRED);
		assertThat(revoked).extracting(EventEnvelope::type).containsExactly(EventType.SESSION_REVOKED);
		assertThat(((SessionRevoked) revoked.get(0).data()).reason()).isEqualTo("deleted");
	}

	@Test
	void theSameRowChangeReadTwiceHasTheSameEventId() {
		Map<String, Object> after = identity("active", "{\"email\": \"a@example.com\"}", 1L);
		RowChange insert = new RowChange("identities", RowChange.Op.CREATE, null, after, 42, COMMIT);

		assertThat(this.changes.map(List.of(insert)).get(0).id())
			.isEqualTo(this.changes.map(List.of(insert)).get(0).id());
	}

	private RowChange change(String table, RowChange.Op op, Map<String, Object> before, Map<String, Object> after) {
		return new RowChange(table, op, before, after, this.lsn++, COMMIT);
	}

	private static Map<String, Object> identity(String state, String traits, long updatedMicros) {
		Map<String, Object> row = new HashMap<>();
		row.put("id", ID);
		row.put("state", state);
		row.put("traits", traits);
		row.put("schema_id", "default");
		row.put("created_at", 1L);
		row.put("updated_at", updatedMicros);
		return row;
	}

	private static Map<String, Object> credential(String digest) {
		Map<String, Object> row = new HashMap<>();
		row.put("id", UUID.randomUUID().toString());
		row.put("identity_id", ID);
		row.put("identity_credential_type_id", KratosChanges.PASSWORD_TYPE);
		row.put("config", digest);
		row.put("updated_at", 3L);
		return row;
	}

	private static Map<String, Object> session(boolean active, Instant expires) {
		Map<String, Object> row = new HashMap<>();
		row.put("id", "5d1e7c3a-9f2b-4a6d-8e0c-1b3f5a7d9e2c");
		row.put("identity_id", ID);
		row.put("active", active);
		row.put("expires_at", expires.getEpochSecond() * 1_000_000L + expires.getNano() / 1000);
		return row;
	}

}
