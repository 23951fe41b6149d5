package io.kratossync.worker.reconcile;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import javax.sql.DataSource;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityCreated;
import io.kratossync.events.IdentityDeleted;
import io.kratossync.events.IdentityEvent;
import io.kratossync.events.IdentityId;
import io.kratossync.events.IdentityUpdated;
import io.kratossync.events.Profile;
import io.kratossync.events.StateChanged;
import io.kratossync.events.Uuids;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One sweep of Kratos's identities against the stored state. For each listed identity:
 * not stored → {@code created}; state different and Kratos's {@code updated_at} newer
 * than the stored state → {@code state_changed}; e-mail or schema different and newer →
 * {@code updated}. After the listing, each stored identity it did not list is asked for
 * by id, and a {@code 404} gives {@code deleted}. The events go to the topic like any
 * other (source {@code /kratos-sync/reconcile}) and are applied by the consumer with its
 * inbox and fences; their ids are name-based over identity, Kratos's {@code updated_at}
 * and type, so two sweeps that find the same drift publish one event.
 * <p>
 * One sweep at a time across workers (a PostgreSQL advisory lock held for the sweep); the
 * position (the next page token) is stored after each page's events were acknowledged, so
 * a worker killed mid-sweep resumes at that page.
 */
@org.springframework.modulith.NamedInterface("api")
public final class Reconciler {

	private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

	/** The {@code ce_source} of the events a sweep publishes. */
	static final String SOURCE = "/kratos-sync/reconcile";

	/** The kinds of drift, as counted and printed. */
	public enum Drift {

		/** Kratos has an identity the application never heard of. */
		CREATED,

		/** Its e-mail or schema changed in Kratos. */
		UPDATED,

		/** Its state changed in Kratos. */
		STATE_CHANGED,

		/** Kratos no longer has it. */
		DELETED

	}

	/**
	 * What a sweep did.
	 *
	 * @param ran false when another worker was sweeping
	 * @param checked identities compared
	 * @param drift events published (or, in a dry run, that would be) by kind
	 * @param duration how long it took
	 * @param resumed whether it went on from an interrupted sweep
	 */
	public record Result(boolean ran, long checked, Map<Drift, Integer> drift, Duration duration, boolean resumed) {

		/**
		 * @return the drift events in all
		 */
		public int total() {
			return this.drift.values().stream().mapToInt(Integer::intValue).sum();
		}

	}

	/** Where the events go (Kafka, acknowledged before it returns). */
	interface Publisher {

		void publish(List<EventEnvelope> events) throws InterruptedException;

	}

	private final DataSource dataSource;

	private final JdbcClient jdbc;

	private final KratosIdentities kratos;

	private final Publisher publisher;

	private final ReconcileProperties properties;

	private final MeterRegistry meters;

	private final Counter checked;

	private final Timer duration;

	private final AtomicLong lastCompleted = new AtomicLong();

	Reconciler(DataSource dataSource, KratosIdentities kratos, Publisher publisher, ReconcileProperties properties,
			MeterRegistry meters) {
		this.dataSource = dataSource;
		this.jdbc = JdbcClient.create(new JdbcTemplate(dataSource));
		this.kratos = kratos;
		this.publisher = publisher;
		this.properties = properties;
		this.meters = meters;
		this.checked = Counter.builder("kratos_sync_reconcile_identities_checked")
			.description("Identities the reconcile sweep compared with the stored state")
			.register(meters);
		this.duration = Timer.builder("kratos_sync_reconcile_sweep")
			.description("Duration of a completed reconcile sweep")
			.register(meters);
		Gauge.builder("kratos_sync_reconcile_last_completed", this.lastCompleted, AtomicLong::get)
			.description("When the last reconcile sweep completed (seconds since the epoch; 0: none yet)")
			.register(meters);
	}

	/**
	 * Runs one sweep, unless another worker is sweeping.
	 * @param dryRun publish nothing and store no position: only tell the drift
	 * @param drift told each event the sweep publishes (or would)
	 * @return what it did
	 * @throws InterruptedException when the worker stops meanwhile (a real sweep resumes
	 * next time)
	 */
	public Result sweep(boolean dryRun, Consumer<EventEnvelope> drift) throws InterruptedException {
		long start = System.nanoTime();
		try (Connection lock = this.dataSource.getConnection()) {
			if (!tryLock(lock)) {
				log.info("Another worker is sweeping Kratos's identities; this one does not");
				return new Result(false, 0, Map.of(), Duration.ZERO, false);
			}
			try {
				return sweep(dryRun, drift, start);
			}
			finally {
				try (PreparedStatement unlock = lock
					.prepareStatement("SELECT pg_advisory_unlock(hashtext('kratos-sync-reconcile'))")) {
					unlock.execute();
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("the reconcile sweep cannot reach the database", ex);
		}
	}

	private Result sweep(boolean dryRun, Consumer<EventEnvelope> drift, long start) throws InterruptedException {
		{
			Sweep sweep = dryRun ? new Sweep(0, databaseNow(), null, false) : openSweep();
			Map<Drift, Integer> found = new EnumMap<>(Drift.class);
			Set<UUID> seen = new HashSet<>();
			long count = 0;
			String token = sweep.token();
			do {
				KratosIdentities.Page page = this.kratos.page(this.properties.pageSize(), token);
				List<EventEnvelope> events = compare(page.identities(), found);
				if (!dryRun) {
					this.publisher.publish(events);
					recordPage(sweep.id(), page, events.size());
				}
				else {
					page.identities().forEach((i) -> seen.add(i.id()));
				}
				events.forEach(drift);
				count += page.identities().size();
				this.checked.increment(page.identities().size());
				token = page.next();
			}
			while (token != null);
			List<EventEnvelope> deletions = new ArrayList<>();
			for (UUID candidate : unlisted(sweep, seen, dryRun)) {
				if (!this.kratos.exists(candidate)) {
					deletions.add(event(new IdentityDeleted(new IdentityId(candidate), Instant.now()),
							candidate.toString(), "deleted"));
					found.merge(Drift.DELETED, 1, Integer::sum);
				}
			}
			if (!dryRun) {
				this.publisher.publish(deletions);
				finish(sweep.id());
			}
			deletions.forEach(drift);
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			found.forEach((kind, n) -> Counter.builder("kratos_sync_reconcile_drift")
				.description("Drift the reconcile sweep found, by kind")
				.tag("kind", kind.name().toLowerCase())
				.register(this.meters)
				.increment(n));
			if (!dryRun) {
				this.duration.record(took);
				this.lastCompleted.set(Instant.now().getEpochSecond());
			}
			Result result = new Result(true, count + sweep.checkedBefore(), found, took, sweep.resumed());
			log.info("Reconcile sweep{}{}: {} identities checked in {} s, drift {}", dryRun ? " (dry run)" : "",
					sweep.resumed() ? " (resumed)" : "", result.checked(), took.toMillis() / 1000.0,
					found.isEmpty() ? "none" : found);
			return result;
		}
	}

	private Instant databaseNow() {
		return this.jdbc.sql("SELECT now()").query(OffsetDateTime.class).single().toInstant();
	}

	/**
	 * A reconciler for the {@code reconcile} command: Kratos's Admin API with a breaker
	 * of its own, a producer of its own.
	 * @param dataSource the application database
	 * @param producer the Kafka producer settings
	 * @param adminUrl Kratos's Admin API
	 * @param adminToken its bearer token (Ory Network), or none
	 * @param timeout connect and read timeout of each call
	 * @param properties the sweep's settings
	 * @param meters where its metrics go
	 * @return the reconciler
	 */
	public static Reconciler forCommand(DataSource dataSource, Map<String, Object> producer, java.net.URI adminUrl,
			io.kratossync.support.Secret adminToken, Duration timeout, ReconcileProperties properties,
			MeterRegistry meters) {
		java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
			.connectTimeout(timeout)
			.followRedirects(java.net.http.HttpClient.Redirect.NEVER)
			.build();
		org.springframework.http.client.JdkClientHttpRequestFactory requests = new org.springframework.http.client.JdkClientHttpRequestFactory(
				client);
		requests.setReadTimeout(timeout);
		return ReconcileConfiguration.create(dataSource, requests,
				io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("kratos-admin-command"), producer,
				adminUrl, adminToken, properties, meters);
	}

	private static boolean tryLock(Connection lock) throws SQLException {
		try (PreparedStatement statement = lock
			.prepareStatement("SELECT pg_try_advisory_lock(hashtext('kratos-sync-reconcile'))");
				ResultSet rs = statement.executeQuery()) {
			return rs.next() && rs.getBoolean(1);
		}
	}

	private record Sweep(long id, Instant startedAt, String token, boolean resumed, long checkedBefore) {

		Sweep(long id, Instant startedAt, String token, boolean resumed) {
			this(id, startedAt, token, resumed, 0);
		}

	}

	/** The unfinished sweep, or a new one. */
	private Sweep openSweep() {
		return this.jdbc
			.sql("SELECT id, started_at, page_token, checked FROM reconcile_sweeps WHERE finished_at IS NULL "
					+ "ORDER BY id DESC LIMIT 1")
			.query((rs, n) -> new Sweep(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
					rs.getString(3), true, rs.getLong(4)))
			.optional()
			.orElseGet(() -> this.jdbc.sql("INSERT INTO reconcile_sweeps DEFAULT VALUES RETURNING id, started_at")
				.query((rs, n) -> new Sweep(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant(), null,
						false))
				.single());
	}

	private void recordPage(long sweep, KratosIdentities.Page page, int events) {
		List<Object[]> ids = page.identities().stream().map((i) -> new Object[] { sweep, i.id() }).toList();
		JdbcTemplate template = new JdbcTemplate(this.dataSource);
		template.batchUpdate("INSERT INTO reconcile_seen (sweep_id, identity_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
				ids);
		template.update("UPDATE reconcile_sweeps SET page_token = ?, pages = pages + 1, checked = checked + ? "
				+ "WHERE id = ?", page.next(), page.identities().size(), sweep);
		log.debug("Reconcile sweep {}: page of {} identities, {} drift events published", sweep,
				page.identities().size(), events);
	}

	private void finish(long sweep) {
		this.jdbc.sql("UPDATE reconcile_sweeps SET finished_at = now() WHERE id = ?").param(sweep).update();
		this.jdbc.sql("DELETE FROM reconcile_seen WHERE sweep_id = ?").param(sweep).update();
	}

	/**
	 * The stored identities the listing did not show: not deleted already, and stored
	 * before the sweep began (one created meanwhile may be past the listing's position).
	 */
	private List<UUID> unlisted(Sweep sweep, Set<UUID> seen, boolean dryRun) {
		if (dryRun) {
			return this.jdbc.sql("SELECT identity_id FROM user_settings WHERE deleted_at IS NULL AND created_at < ?")
				.param(OffsetDateTime.ofInstant(sweep.startedAt(), java.time.ZoneOffset.UTC))
				.query(UUID.class)
				.list()
				.stream()
				.filter((id) -> !seen.contains(id))
				.toList();
		}
		return this.jdbc
			.sql("""
					SELECT s.identity_id FROM user_settings s
					 WHERE s.deleted_at IS NULL AND s.created_at < ?
					   AND NOT EXISTS (SELECT 1 FROM reconcile_seen r WHERE r.sweep_id = ? AND r.identity_id = s.identity_id)""")
			.params(OffsetDateTime.ofInstant(sweep.startedAt(), java.time.ZoneOffset.UTC), sweep.id())
			.query(UUID.class)
			.list();
	}

	private record Stored(String state, String email, String schemaId, Instant profileAt, Instant stateAt,
			boolean deleted) {
	}

	private List<EventEnvelope> compare(List<KratosIdentities.Listed> listed, Map<Drift, Integer> found) {
		Map<UUID, Stored> stored = stored(listed.stream().map(KratosIdentities.Listed::id).toList());
		List<EventEnvelope> events = new ArrayList<>();
		for (KratosIdentities.Listed identity : listed) {
			Stored row = stored.get(identity.id());
			IdentityId id = new IdentityId(identity.id());
			Profile profile = new Profile(fit(identity.schemaId()), fit(identity.state()), fit(identity.email()),
					identity.emailVerified());
			String at = identity.updatedAt().toString();
			if (row == null || (row.profileAt() == null && row.stateAt() == null && !row.deleted())) {
				events.add(event(new IdentityCreated(id, identity.createdAt(), profile), identity.id() + "|" + at,
						"created"));
				found.merge(Drift.CREATED, 1, Integer::sum);
				continue;
			}
			if (row.deleted()) {
				continue;
			}
			if (identity.state() != null && !identity.state().equals(row.state())
					&& (row.stateAt() == null || row.stateAt().isBefore(identity.updatedAt()))
					&& ("active".equals(identity.state()) || "inactive".equals(identity.state()))) {
				events.add(event(new StateChanged(id, identity.updatedAt(), identity.state()), identity.id() + "|" + at,
						"state_changed"));
				found.merge(Drift.STATE_CHANGED, 1, Integer::sum);
			}
			if ((!Objects.equals(lower(identity.email()), lower(row.email()))
					|| !Objects.equals(identity.schemaId(), row.schemaId()))
					&& (row.profileAt() == null || row.profileAt().isBefore(identity.updatedAt()))) {
				events.add(event(new IdentityUpdated(id, identity.updatedAt(), profile), identity.id() + "|" + at,
						"updated"));
				found.merge(Drift.UPDATED, 1, Integer::sum);
			}
		}
		return events;
	}

	private Map<UUID, Stored> stored(List<UUID> ids) {
		Map<UUID, Stored> rows = new HashMap<>();
		if (ids.isEmpty()) {
			return rows;
		}
		this.jdbc
			.sql("SELECT identity_id, state, email, schema_id, profile_at, state_at, deleted_at "
					+ "FROM user_settings WHERE identity_id = ANY (?)")
			.param(ids.toArray(UUID[]::new))
			.query((rs) -> {
				rows.put(rs.getObject(1, UUID.class), new Stored(rs.getString(2), rs.getString(3), rs.getString(4),
						instant(rs, 5), instant(rs, 6), rs.getObject(7) != null));
			});
		return rows;
	}

	private static Instant instant(ResultSet rs, int column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	private static EventEnvelope event(IdentityEvent event, String change, String type) {
		return new EventEnvelope(Uuids.nameBased("reconcile", change, type), SOURCE, Instant.now(), event);
	}

	private static String fit(String value) {
		return (value != null && value.length() <= Profile.MAX_LENGTH) ? value : null;
	}

	private static String lower(String value) {
		return (value != null) ? value.toLowerCase(java.util.Locale.ROOT) : null;
	}

}
