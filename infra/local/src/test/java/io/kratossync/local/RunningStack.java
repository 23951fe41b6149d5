package io.kratossync.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import io.kratossync.ingest.HookIngestApplication;
import io.kratossync.testing.KratosStub;
import io.kratossync.testing.Postgres;
import io.kratossync.worker.SyncWorkerApplication;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * hook-ingest and sync-worker running together, as in production, against a real Kafka
 * broker (KRaft), a real PostgreSQL and the Kratos stub.
 */
final class RunningStack implements AutoCloseable {

	static final String WEBHOOK_KEY = "e2e-webhook-key-0123456789abcdef";

	static final String ADMIN_KEY = "e2e-admin-key-0123456789abcdef";

	static final String READ_KEY = "e2e-read-key-0123456789abcdef";

	static final String METRICS_KEY = "e2e-metrics-key-0123456789abcdef";

	/** The arguments that give hook-ingest its credentials and a free management port. */
	static final String[] INGEST_AUTH = { "--kratos-sync.ingest.webhook-auth.api-keys=" + WEBHOOK_KEY,
			"--kratos-sync.ingest.admin-auth.api-keys=" + ADMIN_KEY,
			"--kratos-sync.ingest.metrics-auth.api-keys=" + METRICS_KEY, "--management.server.port=0" };

	/** The arguments that give sync-worker its credentials and a free management port. */
	static final String[] WORKER_AUTH = { "--kratos-sync.worker.read-auth.api-keys=" + READ_KEY,
			"--kratos-sync.worker.metrics-auth.api-keys=" + METRICS_KEY, "--management.server.port=0" };

	final EmbeddedKafkaKraftBroker kafka;

	final KratosStub kratos;

	final ConfigurableApplicationContext ingest;

	final ConfigurableApplicationContext worker;

	final String ingestUrl;

	final String workerUrl;

	final String ingestManagementUrl;

	final String workerManagementUrl;

	private final HttpClient http = HttpClient.newHttpClient();

	private RunningStack(String... ingestArgs) {
		this.kafka = new EmbeddedKafkaKraftBroker(1, 3);
		this.kafka.afterPropertiesSet();
		this.kratos = KratosStub.start();
		String database = Postgres.freshDatabase();
		this.ingest = HookIngestApplication.application()
			.run(with(with(INGEST_AUTH, ingestArgs), "--server.port=0",
					"--spring.kafka.bootstrap-servers=" + this.kafka.getBrokersAsString(),
					"--kratos-sync.ingest.kratos.admin-url=" + this.kratos.url()));
		this.worker = SyncWorkerApplication.application()
			.run(with(WORKER_AUTH, "--server.port=0",
					"--spring.kafka.bootstrap-servers=" + this.kafka.getBrokersAsString(),
					"--spring.datasource.url=" + database, "--spring.datasource.username=postgres",
					"--spring.datasource.password=postgres",
					"--kratos-sync.worker.kratos.admin-url=" + this.kratos.url(),
					"--kratos-sync.worker.kratos.public-url=" + this.kratos.url(),
					"--kratos-sync.worker.outbox.poll-interval=100ms"));
		this.ingestUrl = url(this.ingest, "local.server.port");
		this.workerUrl = url(this.worker, "local.server.port");
		this.ingestManagementUrl = url(this.ingest, "local.management.port");
		this.workerManagementUrl = url(this.worker, "local.management.port");
	}

	private static String url(ConfigurableApplicationContext context, String portProperty) {
		return "http://127.0.0.1:" + context.getEnvironment().getProperty(portProperty);
	}

	/**
	 * The arguments and the credentials of a service, in one array.
	 * @param auth the credential arguments
	 * @param args the other arguments
	 * @return both
	 */
	static String[] with(String[] auth, String... args) {
		String[] all = new String[auth.length + args.length];
		System.arraycopy(args, 0, all, 0, args.length);
		System.arraycopy(auth, 0, all, args.length, auth.length);
		return all;
	}

	static RunningStack start() {
		return new RunningStack();
	}

	/**
	 * @param ingestArgs further arguments of hook-ingest (e.g. change data capture)
	 * @return the running stack
	 */
	static RunningStack start(String... ingestArgs) {
		return new RunningStack(ingestArgs);
	}

	JdbcClient jdbc() {
		return this.worker.getBean(JdbcClient.class);
	}

	/**
	 * One column of the identity's settings row, or {@code null} when there is no row.
	 */
	Object setting(UUID identity, String column) {
		return jdbc().sql("SELECT * FROM user_settings WHERE identity_id = ?")
			.param(identity)
			.query((rs, n) -> rs.getObject(column))
			.optional()
			.orElse(null);
	}

	HttpResponse<String> post(String url, Map<String, String> headers, String json) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json));
		headers.forEach(request::header);
		return send(request.build());
	}

	HttpResponse<String> get(String url, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
		headers.forEach(request::header);
		return send(request.build());
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.worker.close();
		this.ingest.close();
		this.kratos.close();
		this.kafka.destroy();
	}

}
