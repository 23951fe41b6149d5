package io.kratossync.worker.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.kratossync.events.EventEnvelope;
import io.kratossync.testing.KratosStub;
import io.kratossync.worker.WorkerIntegrationTestSupport;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reconcile sweep against a Kratos Admin API that pages as Kratos does: behind the
 * worker's back identities are deleted, deactivated, edited and created; one sweep
 * publishes exactly those events, the worker applies them, a second sweep finds nothing.
 * An interrupted sweep resumes at its page; two sweeps never run at once; Kratos
 * answering 429 slows the sweep down without failing it.
 */
@TestPropertySource(properties = "kratos-sync.worker.reconcile.requests-per-second=200")
class ReconcileIntegrationTests extends WorkerIntegrationTestSupport {

	private static final Logger log = LoggerFactory.getLogger(ReconcileIntegrationTests.class);

	private static final Instant T0 = Instant.parse("2026-05-01T10:00:00.123456Z");

	private static final Instant T1 = Instant.parse("2026-05-02T10:00:00.654321Z");

	@Autowired
	Reconciler reconciler;

	@Autowired
	JdbcTemplate template;

	@Autowired
	MeterRegistry meters;

	@BeforeEach
	void clean() {
		kratos.clearIdentities();
		this.template.update("DELETE FROM reconcile_sweeps");
		this.template.update("DELETE FROM verified_addresses");
		this.template.update("DELETE FROM user_settings");
	}

	@Test
	void oneSweepPublishesExactlyTheDriftAndASecondOneNothing() throws Exception {
		List<UUID> ids = inStep(10_000);
		List<UUID> deleted = ids.subList(0, 50);
		List<UUID> deactivated = ids.subList(50, 80);
		List<UUID> edited = ids.subList(80, 100);
		List<UUID> created = new ArrayList<>();
		deleted.forEach(kratos::deleteIdentity);
		deactivated.forEach((id) -> kratos.editIdentity(id, null, "inactive", T1));
		edited.forEach((id) -> kratos.editIdentity(id, "renamed-" + id + "@example.com", null, T1));
		for (int i = 0; i < 10; i++) {
			UUID id = UUID.randomUUID();
			created.add(id);
			kratos.putIdentity(id, "new" + i + "@example.com", "active", T1, T1);
		}

		List<EventEnvelope> published = new CopyOnWriteArrayList<>();
		Reconciler.Result first = this.reconciler.sweep(false, published::add);

		assertThat(first.checked()).isEqualTo(10_000 - 50 + 10);
		assertThat(first.drift()).containsEntry(Reconciler.Drift.DELETED, 50)
			.containsEntry(Reconciler.Drift.STATE_CHANGED, 30)
			.containsEntry(Reconciler.Drift.UPDATED, 20)
			.containsEntry(Reconciler.Drift.CREATED, 10);
		assertThat(published).hasSize(110).extracting(EventEnvelope::source).containsOnly(Reconciler.SOURCE);
		log.info("Reconcile of 10 000 identities: {} checked, {} events, {} ms, {} Admin API requests", first.checked(),
				first.total(), first.duration().toMillis(), reads().size());
		assertThat(reads()).as("40 pages of 250 plus one GET per unlisted identity").hasSize(40 + 50);
		await().atMost(Duration.ofSeconds(60))
			.until(() -> this.jdbc.sql("SELECT count(*) FROM processed_events WHERE event_id IN (:ids)")
				.param("ids", published.stream().map(EventEnvelope::id).toList())
				.query(Long.class)
				.single() == 110);

		assertThat(count("deleted_at IS NOT NULL AND email IS NULL AND identity_id IN (:ids)", deleted)).isEqualTo(50);
		assertThat(count("state = 'inactive' AND identity_id IN (:ids)", deactivated)).isEqualTo(30);
		assertThat(count("email LIKE 'renamed-%' AND identity_id IN (:ids)", edited)).isEqualTo(20);
		assertThat(count("email LIKE 'new%' AND state = 'active' AND identity_id IN (:ids)", created)).isEqualTo(10);

		List<EventEnvelope> again = new CopyOnWriteArrayList<>();
		Reconciler.Result second = this.reconciler.sweep(false, again::add);
		assertThat(second.total()).isZero();
		assertThat(again).isEmpty();
		assertThat(second.checked()).isEqualTo(9_960);
	}

	@Test
	void anInterruptedSweepResumesAtItsPage() throws Exception {
		inStep(2_000);
		kratos.answerAfter(Duration.ofMillis(200));
		ExecutorService executor = Executors.newSingleThreadExecutor();
		Future<Reconciler.Result> interrupted = executor.submit(() -> this.reconciler.sweep(false, (e) -> {
		}));
		await().atMost(Duration.ofSeconds(30)).until(() -> reads().size() >= 3);
		executor.shutdownNow();
		await().atMost(Duration.ofSeconds(30)).until(interrupted::isDone);
		int pagesDone = this.jdbc.sql("SELECT pages FROM reconcile_sweeps WHERE finished_at IS NULL")
			.query(Integer.class)
			.single();
		assertThat(pagesDone).isBetween(2, 7);
		double requestsBefore = requests();
		kratos.answerAfter(Duration.ZERO);

		Reconciler.Result resumed = this.reconciler.sweep(false, (e) -> {
		});

		assertThat(resumed.resumed()).isTrue();
		assertThat(resumed.checked()).isEqualTo(2_000);
		assertThat(requests() - requestsBefore).as("only the pages not done before").isEqualTo(8 - pagesDone);
		assertThat(this.jdbc.sql("SELECT count(*) FROM reconcile_sweeps WHERE finished_at IS NULL")
			.query(Long.class)
			.single()).isZero();
	}

	@Test
	void twoSweepsNeverRunAtOnce() throws Exception {
		inStep(2_000);
		kratos.answerAfter(Duration.ofMillis(100));
		ExecutorService executor = Executors.newFixedThreadPool(2);
		Future<Reconciler.Result> one = executor.submit(() -> this.reconciler.sweep(false, (e) -> {
		}));
		Future<Reconciler.Result> two = executor.submit(() -> this.reconciler.sweep(false, (e) -> {
		}));
		List<Reconciler.Result> results = List.of(one.get(), two.get());
		executor.shutdown();

		assertThat(results).filteredOn(Reconciler.Result::ran).hasSize(1);
		assertThat(reads()).as("one sweep's pages").hasSize(8);
	}

	@Test
	void kratosAnswering429SlowsTheSweepDownWithoutFailingIt() throws Exception {
		inStep(1_000);
		double throttledBefore = this.meters.counter("kratos_sync_reconcile_throttled").count();
		kratos.failNext(3, 429, Duration.ZERO, Map.of("Retry-After", "1"));

		Reconciler.Result result = this.reconciler.sweep(false, (e) -> {
		});

		assertThat(result.checked()).isEqualTo(1_000);
		assertThat(result.total()).isZero();
		assertThat(result.duration()).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
		assertThat(this.meters.counter("kratos_sync_reconcile_throttled").count() - throttledBefore).isEqualTo(3);
		assertThat(reads()).filteredOn(KratosStub.Call::injected).hasSize(3);
	}

	/**
	 * Identities that Kratos and the application agree on: in the stub and stored as the
	 * events of their creation would have left them.
	 */
	private List<UUID> inStep(int count) {
		List<UUID> ids = new ArrayList<>();
		List<Object[]> rows = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			UUID id = UUID.randomUUID();
			ids.add(id);
			String email = id + "@example.com";
			kratos.putIdentity(id, email, "active", T0, T0);
			OffsetDateTime at = OffsetDateTime.ofInstant(T0.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
			rows.add(new Object[] { id, "default", "active", email, at, at, false, at });
		}
		this.template.batchUpdate("INSERT INTO user_settings (identity_id, schema_id, state, email, profile_at, "
				+ "state_at, email_verified, email_verified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows);
		return ids;
	}

	private double requests() {
		return this.meters.counter("kratos_sync_reconcile_requests").count();
	}

	/** The sweep's calls (the outbox's revocations of deactivated identities aside). */
	private static List<KratosStub.Call> reads() {
		return kratos.calls().stream().filter((c) -> c.method().equals("GET")).toList();
	}

	private long count(String where, List<UUID> ids) {
		return this.jdbc.sql("SELECT count(*) FROM user_settings WHERE " + where)
			.param("ids", ids)
			.query(Long.class)
			.single();
	}

}
