package io.kratossync.worker.inbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityId;
import io.kratossync.events.LoggedIn;
import io.kratossync.worker.WorkerIntegrationTestSupport;
import io.kratossync.worker.apply.Delivery;
import io.kratossync.worker.apply.EventHandler;
import io.kratossync.worker.apply.Outcome;
import io.kratossync.worker.apply.Outcomes;
import io.kratossync.worker.apply.RecordPosition;
import io.kratossync.worker.apply.Writes;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The inbox check as a decorator: around any handler, on the real inbox table, an event
 * reaches the handler once however often it is delivered, in one batch or across batches;
 * a rolled-back batch leaves no trace, so its events reach the handler again.
 */
class DuplicateDetectionIntegrationTests extends WorkerIntegrationTestSupport {

	@Autowired
	DuplicateDetection duplicates;

	@Autowired
	JdbcTemplate jdbcTemplate;

	@Autowired
	PlatformTransactionManager transactions;

	/** A handler that only notes what reached it. */
	private final List<UUID> reached = new ArrayList<>();

	private final EventHandler recording = (delivery, writes, outcomes) -> {
		this.reached.add(delivery.event().id());
		outcomes.record(delivery, Outcome.APPLIED);
	};

	@Test
	void anEventDeliveredTwiceInOneBatchReachesTheHandlerOnce() {
		Delivery first = delivery();
		Delivery second = delivery();
		Delivery again = redelivery(first, 7);

		Map<Outcome, Integer> outcomes = inTransaction(
				(handler, writes, tally) -> handler.handleAll(List.of(first, second, again), writes, tally));

		assertThat(this.reached).containsExactly(first.event().id(), second.event().id());
		assertThat(outcomes).containsEntry(Outcome.APPLIED, 2).containsEntry(Outcome.DUPLICATE, 1);
		assertThat(inboxRows(first.event().id())).isOne();
	}

	@Test
	void anEventDeliveredAgainInALaterBatchOrAloneIsADuplicate() {
		Delivery first = delivery();
		inTransaction((handler, writes, tally) -> handler.handleAll(List.of(first), writes, tally));
		this.reached.clear();

		Map<Outcome, Integer> alone = inTransaction(
				(handler, writes, tally) -> handler.handle(redelivery(first, 9), writes, tally));
		Map<Outcome, Integer> batch = inTransaction(
				(handler, writes, tally) -> handler.handleAll(List.of(redelivery(first, 10)), writes, tally));

		assertThat(this.reached).isEmpty();
		assertThat(alone).containsOnlyKeys(Outcome.DUPLICATE);
		assertThat(batch).containsOnlyKeys(Outcome.DUPLICATE);
	}

	@Test
	void aRolledBackBatchLeavesNoTraceSoItsEventsReachTheHandlerAgain() {
		Delivery first = delivery();
		new TransactionTemplate(this.transactions).executeWithoutResult((status) -> {
			this.duplicates.around(this.recording).handle(first, new Writes(this.jdbcTemplate), (delivery, outcome) -> {
			});
			status.setRollbackOnly();
		});
		assertThat(inboxRows(first.event().id())).isZero();

		Map<Outcome, Integer> retried = inTransaction(
				(handler, writes, tally) -> handler.handle(redelivery(first, 11), writes, tally));

		assertThat(retried).containsOnlyKeys(Outcome.APPLIED);
		assertThat(this.reached).containsExactly(first.event().id(), first.event().id());
	}

	@Test
	void theInboxRefusesToRecordOutsideATransaction() {
		EventHandler guarded = this.duplicates.around(this.recording);
		assertThatExceptionOfType(IllegalTransactionStateException.class)
			.isThrownBy(() -> guarded.handle(delivery(), new Writes(this.jdbcTemplate), (delivery, outcome) -> {
			}));
		assertThat(this.reached).isEmpty();
	}

	private interface Step {

		void run(EventHandler handler, Writes writes, Outcomes outcomes);

	}

	private Map<Outcome, Integer> inTransaction(Step step) {
		Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
		new TransactionTemplate(this.transactions).executeWithoutResult((status) -> {
			Writes writes = new Writes(this.jdbcTemplate);
			step.run(this.duplicates.around(this.recording), writes,
					(delivery, outcome) -> outcomes.merge(outcome, 1, Integer::sum));
			writes.flush();
		});
		return outcomes;
	}

	private static Delivery delivery() {
		EventEnvelope event = new EventEnvelope(UUID.randomUUID(), "/test", Instant.now(),
				new LoggedIn(new IdentityId(UUID.randomUUID()), Instant.now(), "password", UUID.randomUUID(), "aal1"));
		return new Delivery(event, new RecordPosition("decorator-test", 0, 1), 2);
	}

	private static Delivery redelivery(Delivery delivery, long offset) {
		return new Delivery(delivery.event(), new RecordPosition("decorator-test", 0, offset), offset + 1);
	}

}
