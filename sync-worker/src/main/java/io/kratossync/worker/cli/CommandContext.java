package io.kratossync.worker.cli;

import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import io.kratossync.worker.history.HistorySources;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The few parts of the worker a command needs: its database and its Kafka settings, read
 * from the same configuration ({@code sync-worker.yml} and the environment variables) as
 * the service. No web server, no consumer, no migrations of the live schema, no scheduled
 * work.
 */
final class CommandContext implements AutoCloseable {

	/**
	 * Progress is shown once a phase runs longer than this
	 * ({@code kratos-sync.command.progress-after}).
	 */
	static final String PROGRESS_AFTER = "kratos-sync.command.progress-after";

	/** Then every so often ({@code kratos-sync.command.progress-every}). */
	static final String PROGRESS_EVERY = "kratos-sync.command.progress-every";

	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration(DataSourceAutoConfiguration.class)
	@EnableConfigurationProperties(KafkaProperties.class)
	static class Configuration {

	}

	private final Map<String, Object> settings;

	private ConfigurableApplicationContext context;

	/**
	 * @param settings settings that come before every other source (tests use them)
	 */
	CommandContext(Map<String, Object> settings) {
		this.settings = settings;
	}

	/**
	 * @return the database and the Kafka settings, the context started on first use
	 */
	HistorySources sources() {
		ConfigurableApplicationContext context = context();
		KafkaProperties kafka = context.getBean(KafkaProperties.class);
		return new HistorySources(context.getBean(DataSource.class), kafka.buildConsumerProperties(),
				kafka.buildProducerProperties());
	}

	/**
	 * Kratos's Admin API, from the worker's settings.
	 *
	 * @param adminUrl {@code kratos-sync.worker.kratos.admin-url}
	 * @param adminToken {@code kratos-sync.worker.kratos.admin-token} (empty for none)
	 */
	record Kratos(String adminUrl, String adminToken) {
	}

	Kratos kratos() {
		org.springframework.core.env.Environment environment = context().getEnvironment();
		return new Kratos(environment.getProperty("kratos-sync.worker.kratos.admin-url", "http://localhost:4434"),
				environment.getProperty("kratos-sync.worker.kratos.admin-token", ""));
	}

	/**
	 * Settings bound as the service binds them (defaults included).
	 * @param <T> their type
	 * @param prefix their prefix
	 * @param type their type
	 * @return the settings
	 */
	<T> T bind(String prefix, Class<T> type) {
		return org.springframework.boot.context.properties.bind.Binder.get(context().getEnvironment())
			.bindOrCreate(prefix, type);
	}

	Duration setting(String name, Duration fallback) {
		Object value = this.settings.get(name);
		return (value != null) ? Duration.parse("PT" + value.toString().toUpperCase()) : fallback;
	}

	private ConfigurableApplicationContext context() {
		if (this.context == null) {
			StandardEnvironment environment = new StandardEnvironment();
			environment.getPropertySources().addFirst(new MapPropertySource("command-settings", this.settings));
			// a command is no service, whatever sync-worker.yml says
			environment.getPropertySources()
				.addFirst(new MapPropertySource("command", Map.of("spring.main.web-application-type", "none",
						// the Kafka clients warn of their own housekeeping (a partition
						// unassigned
						// at the end of a read); a broker out of reach fails the command
						// with its
						// own message
						"logging.level.org.apache.kafka", "error")));
			this.context = new SpringApplicationBuilder(Configuration.class).web(WebApplicationType.NONE)
				.bannerMode(Banner.Mode.OFF)
				.logStartupInfo(false)
				.registerShutdownHook(false)
				.environment(environment)
				.properties("spring.config.name=" + "sync-worker", "spring.datasource.hikari.maximum-pool-size=6",
						"spring.datasource.hikari.pool-name=command")
				.run();
		}
		return this.context;
	}

	@Override
	public void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

}
