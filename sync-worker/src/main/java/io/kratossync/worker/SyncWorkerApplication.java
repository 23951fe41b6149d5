package io.kratossync.worker;

import io.kratossync.worker.cli.Commands;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * sync-worker: applies identity events to the application database exactly once in
 * effect, enforces them through the Kratos Admin API from an outbox, and serves the
 * application's read API.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class SyncWorkerApplication {

	/** The name of this service's configuration file ({@code sync-worker.yml}). */
	public static final String CONFIG_NAME = "sync-worker";

	/**
	 * The application, configured from {@code sync-worker.yml}; its own config name lets
	 * it share a JVM with hook-ingest in the end-to-end tests.
	 * @return the builder
	 */
	public static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(SyncWorkerApplication.class).web(WebApplicationType.SERVLET)
			.properties("spring.config.name=" + CONFIG_NAME);
	}

	/**
	 * Runs the service, or one of its commands ({@code replay}, {@code rebuild},
	 * {@code dlt}; {@code --help} lists them) when the first argument names one.
	 * @param args the arguments
	 */
	public static void main(String[] args) {
		if (Commands.isCommand(args)) {
			Commands.main(args);
			return;
		}
		application().run(args);
	}

}
