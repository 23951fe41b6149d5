package io.kratossync.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import io.kratossync.events.EventEnvelope;
import io.kratossync.events.IdentityId;
import io.kratossync.events.LoggedIn;
import io.kratossync.events.Topics;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What a stage is measured against, on the same machine in the same run: the synchronous
 * handler a team would otherwise write (STING), the Kafka producer alone, plain JDBC
 * batch upserts.
 */
final class Baselines {

	private Baselines() {
	}

	/** A login event of the identity, its login time {@code i} seconds into 2026. */
	static EventEnvelope login(UUID identity, int i) {
		return new EventEnvelope(UUID.randomUUID(), "/bench", Instant.now(), new LoggedIn(new IdentityId(identity),
				Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i), "password", null, "aal1"));
	}

	/**
	 * The handler the STING design describes: a synchronous endpoint that parses the
	 * webhook and updates the application row in the request, one connection per worker
	 * thread (a pool of {@code threads}, as a connection pool would be).
	 */
	static final class Sting implements AutoCloseable {

		private final HttpServer server;

		private final ExecutorService threads;

		Sting(String url, int threads) throws IOException {
			try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres");
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE IF NOT EXISTS user_settings (identity_id uuid PRIMARY KEY, "
						+ "last_login_at timestamptz, updated_at timestamptz NOT NULL DEFAULT now())");
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
			ThreadLocal<Connection> connections = ThreadLocal.withInitial(() -> {
				try {
					return DriverManager.getConnection(url, "postgres", "postgres");
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			});
			tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
			this.server.createContext("/", (exchange) -> {
				try (exchange) {
					var ctx = json.readTree(exchange.getRequestBody().readAllBytes());
					try (PreparedStatement update = connections.get()
						.prepareStatement("INSERT INTO user_settings (identity_id, last_login_at) VALUES (?, ?) "
								+ "ON CONFLICT (identity_id) DO UPDATE SET last_login_at = EXCLUDED.last_login_at, updated_at = now()")) {
						update.setObject(1, UUID.fromString(ctx.path("identity").path("id").asString()));
						update.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
						update.executeUpdate();
					}
					exchange.sendResponseHeaders(200, -1);
				}
				catch (SQLException ex) {
					exchange.sendResponseHeaders(500, -1);
				}
			});
			this.threads = Executors.newFixedThreadPool(threads);
			this.server.setExecutor(this.threads);
			this.server.start();
		}

		String url() {
			return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/hooks/kratos/login/password";
		}

		@Override
		public void close() {
			this.server.stop(0);
			this.threads.shutdownNow();
		}

	}

	/**
	 * The Kafka producer alone ({@code acks=all}, idempotent, linger 2 ms as the
	 * ingest's), the same record the ingest publishes, a fixed number in flight.
	 */
	static final class ProducerAlone implements AutoCloseable {

		static final String TOPIC = "bench.producer-baseline";

		private final KafkaProducer<String, EventEnvelope> producer;

		ProducerAlone(String bootstrap) throws Exception {
			createTopic(bootstrap, new NewTopic(TOPIC, 6, (short) 1));
			Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
					ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
					ProducerConfig.LINGER_MS_CONFIG, 2);
			this.producer = new KafkaProducer<>(props, Topics.IDENTITY_EVENTS.keySerde().serializer(),
					Topics.IDENTITY_EVENTS.valueSerde().serializer());
		}

		/** {@code inFlight} sends at a time for {@code duration}. */
		LoadGenerator.Phase during(int inFlight, Duration duration) throws InterruptedException {
			Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
			Semaphore permits = new Semaphore(inFlight);
			AtomicInteger failures = new AtomicInteger();
			long start = System.nanoTime();
			long end = start + duration.toNanos();
			int sent = 0;
			while (System.nanoTime() < end) {
				permits.acquire();
				EventEnvelope event = login(UUID.randomUUID(), sent);
				long sentAt = System.nanoTime();
				this.producer.send(new ProducerRecord<>(TOPIC, event.subject().toString(), event), (metadata, ex) -> {
					latency.recordValue(Math.min(System.nanoTime() - sentAt, latency.getHighestTrackableValue()));
					if (ex != null) {
						failures.incrementAndGet();
					}
					permits.release();
				});
				sent++;
			}
			permits.acquire(inFlight);
			double rate = sent / ((System.nanoTime() - start) / 1e9);
			if (failures.get() > 0) {
				throw new IllegalStateException(failures.get() + " sends of the producer baseline failed");
			}
			return new LoadGenerator.Phase(rate, latency);
		}

		@Override
		public void close() {
			this.producer.close(Duration.ofSeconds(10));
		}

	}

	/**
	 * Plain JDBC batch upserts of login rows into the worker's table shape, 500 per
	 * transaction, fenced by the login time as the worker's: rows per second.
	 */
	static double jdbcBatchUpserts(String url, int rows, UUID[] ids) throws SQLException {
		try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres")) {
			try (Statement statement = connection.createStatement()) {
				statement
					.execute("CREATE TABLE user_settings (identity_id uuid PRIMARY KEY, last_login_at timestamptz, "
							+ "last_login_method text, last_login_aal text, updated_at timestamptz NOT NULL DEFAULT now())");
			}
			connection.setAutoCommit(false);
			long start = System.nanoTime();
			try (PreparedStatement upsert = connection.prepareStatement(
					"INSERT INTO user_settings AS s (identity_id, last_login_at, last_login_method, last_login_aal) VALUES (?, ?, ?, ?) "
							+ "ON CONFLICT (identity_id) DO UPDATE SET last_login_at = EXCLUDED.last_login_at, "
							+ "last_login_method = EXCLUDED.last_login_method, last_login_aal = EXCLUDED.last_login_aal, updated_at = now() "
							+ "WHERE s.last_login_at IS NULL OR s.last_login_at < EXCLUDED.last_login_at")) {
				for (int i = 0; i < rows; i++) {
					upsert.setObject(1, ids[i % ids.length]);
					upsert.setObject(2, OffsetDateTime.ofInstant(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i),
							ZoneOffset.UTC));
					upsert.setString(3, "password");
					upsert.setString(4, "aal1");
					upsert.addBatch();
					if (i % 500 == 499) {
						upsert.executeBatch();
						connection.commit();
					}
				}
				upsert.executeBatch();
				connection.commit();
			}
			return rows / ((System.nanoTime() - start) / 1e9);
		}
	}

	/** Creates a topic unless it exists (the services create theirs when they start). */
	static void createTopic(String bootstrap, NewTopic topic) throws Exception {
		try (Admin admin = Admin.create(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
			if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic.name())) {
				admin.createTopics(java.util.List.of(topic)).all().get(30, TimeUnit.SECONDS);
			}
		}
	}

}
