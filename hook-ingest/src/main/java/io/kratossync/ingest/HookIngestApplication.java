package io.kratossync.ingest;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * hook-ingest: receives Kratos webhooks and admin requests and publishes them as events
 * to Kafka, answering only after the broker acknowledged.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class HookIngestApplication {

	/** The name of this service's configuration file ({@code hook-ingest.yml}). */
	public static final String CONFIG_NAME = "hook-ingest";

	/**
	 * The application, configured from {@code hook-ingest.yml}; its own config name lets
	 * it share a JVM with the worker in the end-to-end tests.
	 * @return the builder
	 */
	public static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(HookIngestApplication.class).web(WebApplicationType.REACTIVE)
			.properties("spring.config.name=" + CONFIG_NAME);
	}

	public static void main(String[] args) {
		application().run(args);
	}

}
