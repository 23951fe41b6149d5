package io.kratossync.worker.reconcile;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
import io.kratossync.worker.cli.Commands;
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

		UUID beingWritten = ids.get(100);
		kratos.leaveOutOfListing(beingWritten);

		// the command's dry run first: the same drift, nothing published
		Run dryRun = command("reconcile", "--once", "--dry-run");
		assertThat(dryRun.code()).isEqualTo(3);
		assertThat(dryRun.out()).contains("would publish kratos.identity.deleted " + deleted.get(0))
			.contains("would publish kratos.identity.state_changed " + deactivated.get(0))
			.contains("would publish kratos.identity.updated " + edited.get(0))
			.contains("would publish kratos.identity.created " + created.get(0))
			.contains("9 959 identities checked")
			.doesNotContain(beingWritten.toString());
		kratos.reset();

		List<EventEnvelope> published = new CopyOnWriteArrayList<>();
		Reconciler.Result first = this.reconciler.sweep(false, published::add);

		assertThat(first.checked()).isEqualTo(10_000 - 50 + 10 - 1);
		assertThat(first.drift()).containsEntry(Reconciler.Drift.DELETED, 50)
			.containsEntry(Reconciler.Drift.STATE_CHANGED, 30)
			.containsEntry(Reconciler.Drift.UPDATED, 20)
			.containsEntry(Reconciler.Drift.CREATED, 10);
		assertThat(published).hasSize(110).extracting(EventEnvelope::source).containsOnly(Reconciler.SOURCE);
		log.info("Reconcile of 10 000 identities: {} checked, {} events, {} ms, {} Admin API requests", first.checked(),
				first.total(), first.duration().toMillis(), reads().size());
		assertThat(reads()).as("40 pages of 250 plus one GET per unlisted identity").hasSize(40 + 51);
		assertThat(published).as("listed or not, it exists").noneMatch((e) -> e.subject().value().equals(beingWritten));
		assertThat(published.stream().map((e) -> e.id().toString()))
			.as("the dry run told the same events, with the same ids")
			.allMatch(dryRun.out()::contains);
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
		assertThat(second.checked()).isEqualTo(9_959);
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
		kratos.failNext(3, 429, Duration.ZERO, Map.of("Retry-After", "2"));

		Reconciler.Result result = this.reconciler.sweep(false, (e) -> {
		});

		assertThat(result.checked()).isEqualTo(1_000);
		assertThat(result.total()).isZero();
		assertThat(result.duration()).isGreaterThanOrEqualTo(Duration.ofSeconds(6));
		List<KratosStub.Call> calls = reads();
		for (int i = 0; i < calls.size() - 1; i++) {
			if (calls.get(i).injected()) {
				assertThat(Duration.ofNanos(calls.get(i + 1).atNanos() - calls.get(i).atNanos()))
					.as("the next request waits the Retry-After of a 429")
					.isGreaterThanOrEqualTo(Duration.ofMillis(1900));
			}
		}
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

	private record Run(int code, String out, String err) {
	}

	private Run command(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = Commands.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8),
				Map.of("spring.datasource.url", DATABASE, "spring.datasource.username", "postgres",
						"spring.datasource.password", "postgres", "spring.kafka.bootstrap-servers",
						this.bootstrapServers, "kratos-sync.worker.kratos.admin-url", kratos.url(),
						"kratos-sync.worker.reconcile.requests-per-second", "200"));
		Run run = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
		System.out.printf("$ java -jar sync-worker.jar %s%n%s%s(exit code %d)%n", String.join(" ", args), run.err(),
				run.out().lines().limit(3).collect(java.util.stream.Collectors.joining("\n", "", "\n...\n"))
						+ run.out().lines().reduce((a, b) -> b).orElse(""),
				code);
		return run;
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
