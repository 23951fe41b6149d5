package io.kratossync.worker.apply;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityEvent;
import io.kratossync.events.IdentityId;
import io.kratossync.events.LoggedIn;
import io.kratossync.worker.WorkerIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fenced upserts of one poll travel as multi-row statements: on the real table, each
 * event's outcome is still its own (applied, or stale against the stored row, against an
 * event earlier in the same poll, or against a tombstone), and an identity that comes
 * twice in one poll is written in the order of its events.
 */
class MultiRowWritesIntegrationTests extends WorkerIntegrationTestSupport {

	private static final Instant T = Instant.parse("2026-06-01T10:00:00Z");

	@Autowired
	StateChanges stateChanges;

	@Autowired
	JdbcTemplate jdbcTemplate;

	@Autowired
	PlatformTransactionManager transactions;

	@Test
	void eachRowOfAMultiRowUpsertHasItsOwnOutcome() {
		UUID twice = UUID.randomUUID();
		UUID once = UUID.randomUUID();
		UUID storedNewer = UUID.randomUUID();
		UUID erased = UUID.randomUUID();
		this.jdbc.sql("INSERT INTO user_settings (identity_id, last_login_at) VALUES (?, ?)")
			.params(storedNewer, at(T.plusSeconds(100)))
			.update();
		this.jdbc.sql("INSERT INTO user_settings (identity_id, deleted_at) VALUES (?, ?)")
			.params(erased, at(T))
			.update();

		List<Delivery> poll = List.of(login(twice, T), login(once, T), login(twice, T.plusSeconds(30)),
				login(twice, T.plusSeconds(10)), login(storedNewer, T.plusSeconds(50)),
				login(erased, T.plusSeconds(5)));
		List<Outcome> outcomes = apply(poll);

		assertThat(outcomes).containsExactly(Outcome.APPLIED, Outcome.APPLIED, Outcome.APPLIED, Outcome.STALE,
				Outcome.STALE, Outcome.STALE);
		assertThat(lastLogin(twice)).isEqualTo(T.plusSeconds(30));
		assertThat(lastLogin(once)).isEqualTo(T);
		assertThat(lastLogin(storedNewer)).isEqualTo(T.plusSeconds(100));
		assertThat(lastLogin(erased)).isNull();
	}

	@Test
	void aPollLargerThanOneStatementIsAppliedWhole() {
		int rowsPerStatement = Writes.MAX_PARAMETERS / 4;
		List<Delivery> poll = new ArrayList<>();
		List<UUID> identities = new ArrayList<>();
		for (int i = 0; i < rowsPerStatement + 7; i++) {
			UUID identity = UUID.randomUUID();
			identities.add(identity);
			poll.add(login(identity, T.plusSeconds(i)));
		}
		List<Outcome> outcomes = apply(poll);

		assertThat(outcomes).hasSize(poll.size()).containsOnly(Outcome.APPLIED);
		assertThat(lastLogin(identities.get(identities.size() - 1))).isEqualTo(T.plusSeconds(rowsPerStatement + 6));
		assertThat(lastLogin(identities.get(0))).isEqualTo(T);
	}

	/**
	 * The poll's events through the state changes in one transaction, as the consumer.
	 */
	private List<Outcome> apply(List<Delivery> poll) {
		Map<Delivery, Outcome> byDelivery = new java.util.IdentityHashMap<>();
		new TransactionTemplate(this.transactions).executeWithoutResult((status) -> {
			Writes writes = new Writes(this.jdbcTemplate);
			Outcomes outcomes = byDelivery::put;
			for (Delivery delivery : poll) {
				this.stateChanges.handle(delivery, writes, outcomes);
			}
			writes.flush();
		});
		List<Outcome> inOrder = new ArrayList<>();
		poll.forEach((delivery) -> inOrder.add(byDelivery.get(delivery)));
		return inOrder;
	}

	private Instant lastLogin(UUID identity) {
		return this.jdbc.sql("SELECT last_login_at FROM user_settings WHERE identity_id = ?")
			.param(identity)
			.query(OffsetDateTime.class)
			.optional()
			.map(OffsetDateTime::toInstant)
			.orElse(null);
	}

	private static Delivery login(UUID identity, Instant at) {
		IdentityEvent event = new LoggedIn(new IdentityId(identity), at, "password", null, "aal1");
		return new Delivery(new EventEnvelope(UUID.randomUUID(), "/test", Instant.now(), event),
				new RecordPosition("multi-row-test", 0, 1), 2);
	}

	private static OffsetDateTime at(Instant instant) {
		return OffsetDateTime.ofInstant(instant, java.time.ZoneOffset.UTC);
	}

}
