package io.kratossync.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Compares the topics a service uses with {@link TopicSettings} at start-up, and creates
 * those that are missing. A partition count that differs stops the start (the services
 * never add partitions: on a keyed topic that moves identities to other partitions and
 * breaks their order); a replication factor, {@code min.insync.replicas} or retention
 * that differs is a warning. When the broker cannot be reached at start-up the service
 * starts anyway (the ingest must answer 503s meanwhile) and checks again in the
 * background until it can; a mismatch found then is logged at ERROR and takes this
 * indicator ({@code topicPolicy}) down.
 */
public class TopicPolicy extends AbstractHealthIndicator {

	private static final Logger log = LoggerFactory.getLogger(TopicPolicy.class);

	private final Map<String, Object> adminProperties;

	private final TopicSettings settings;

	private final Collection<String> topics;

	private final Duration timeout;

	private volatile String failure;

	private volatile boolean checked;

	/**
	 * @param adminProperties the admin client settings (bootstrap servers, security)
	 * @param settings the policy
	 * @param topics the topics this service uses
	 * @param timeout how long one check may wait for the broker
	 */
	public TopicPolicy(Map<String, Object> adminProperties, TopicSettings settings, Collection<String> topics,
			Duration timeout) {
		super("The topics do not match the policy");
		this.adminProperties = adminProperties;
		this.settings = settings;
		this.topics = List.copyOf(topics);
		this.timeout = timeout;
	}

	/**
	 * Checks at start-up: throws on a mismatch that breaks ordering; re-checks in the
	 * background when unreachable.
	 */
	public void checkAtStart() {
		try {
			check();
		}
		catch (TimeoutException | ExecutionException ex) {
			log.warn("Could not check the topics {} against the policy ({}); the broker seems unreachable: checking "
					+ "again in the background", this.topics, Causes.describeRoot(ex));
			Thread retry = new Thread(this::checkUntilDone, "topic-policy");
			retry.setDaemon(true);
			retry.start();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void checkUntilDone() {
		while (!this.checked) {
			try {
				TimeUnit.SECONDS.sleep(10);
				check();
			}
			catch (TopicMismatchException ex) {
				this.failure = ex.getMessage();
				log.error("{}", ex.getMessage());
				return;
			}
			catch (TimeoutException | ExecutionException ex) {
				log.debug("Topic policy not checked yet: {}", Causes.describeRoot(ex));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * Checks (and creates) the topics once.
	 * @throws TopicMismatchException when a topic has another partition count
	 * @throws TimeoutException when the broker does not answer in time
	 * @throws ExecutionException when the broker refuses
	 * @throws InterruptedException when interrupted
	 */
	void check() throws TimeoutException, ExecutionException, InterruptedException {
		Map<String, Object> properties = new HashMap<>(this.adminProperties);
		properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) this.timeout.toMillis());
		properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) this.timeout.toMillis());
		Admin admin = Admin.create(properties);
		try {
			for (String topic : this.topics) {
				TopicDescription description = describe(admin, topic);
				if (description == null) {
					create(admin, topic);
					continue;
				}
				compare(admin, description);
			}
		}
		finally {
			// do not wait for calls still in flight to a broker that does not answer
			admin.close(Duration.ZERO);
		}
		this.checked = true;
	}

	private TopicDescription describe(Admin admin, String topic)
			throws TimeoutException, ExecutionException, InterruptedException {
		try {
			return admin.describeTopics(Set.of(topic))
				.allTopicNames()
				.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS)
				.get(topic);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof UnknownTopicOrPartitionException) {
				return null;
			}
			throw ex;
		}
	}

	private void create(Admin admin, String topic) throws TimeoutException, ExecutionException, InterruptedException {
		if (!this.settings.create()) {
			throw new TopicMismatchException("Refusing to start: topic " + topic + " does not exist and "
					+ "KAFKA_CREATE_TOPICS is false; create it with " + this.settings.partitions() + " partitions");
		}
		NewTopic newTopic = new NewTopic(topic, this.settings.partitions(), this.settings.replicationFactor())
			.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(this.settings.retentionMs()),
					TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(this.settings.minInsyncReplicas())));
		try {
			admin.createTopics(List.of(newTopic)).all().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			log.info("Created topic {}: {} partitions, replication factor {}, min.insync.replicas {}, retention.ms {}",
					topic, this.settings.partitions(), this.settings.replicationFactor(),
					this.settings.minInsyncReplicas(), this.settings.retentionMs());
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof TopicExistsException) {
				// another instance created it meanwhile
				compare(admin, describe(admin, topic));
				return;
			}
			throw new TopicMismatchException("Refusing to start: topic " + topic + " could not be created ("
					+ Causes.describeRoot(ex) + "); with fewer brokers than TOPIC_REPLICATION_FACTOR ("
					+ this.settings.replicationFactor() + "), set it (and TOPIC_MIN_INSYNC_REPLICAS) lower, or create "
					+ "the topic yourself");
		}
	}

	private void compare(Admin admin, TopicDescription description)
			throws TimeoutException, ExecutionException, InterruptedException {
		String topic = description.name();
		int partitions = description.partitions().size();
		if (partitions != this.settings.partitions()) {
			throw new TopicMismatchException("Refusing to start: topic " + topic + " has " + partitions
					+ " partitions but TOPIC_PARTITIONS is " + this.settings.partitions() + ". kratos-sync never "
					+ "changes the partition count: on a keyed topic that moves identities to other partitions and "
					+ "breaks the order of their events. Set TOPIC_PARTITIONS=" + partitions + ", or move to a new "
					+ "topic with the count you want");
		}
		List<String> warnings = new ArrayList<>();
		int replicas = description.partitions().get(0).replicas().size();
		if (replicas < this.settings.replicationFactor()) {
			warnings.add("replication factor " + replicas + " (policy " + this.settings.replicationFactor() + ")");
		}
		ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
		Config config = admin.describeConfigs(Set.of(resource))
			.all()
			.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS)
			.get(resource);
		int minIsr = Integer.parseInt(value(config, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1"));
		if (minIsr < this.settings.minInsyncReplicas()) {
			warnings.add("min.insync.replicas " + minIsr + " (policy " + this.settings.minInsyncReplicas() + ")");
		}
		long retention = Long.parseLong(value(config, TopicConfig.RETENTION_MS_CONFIG, "-1"));
		if (retention != this.settings.retentionMs()) {
			warnings.add("retention.ms " + retention + " (policy " + this.settings.retentionMs() + ")");
		}
		if (!warnings.isEmpty()) {
			log.warn("Topic {} differs from the policy: {}; kratos-sync does not change an existing topic", topic,
					String.join(", ", warnings));
		}
	}

	private static String value(Config config, String name, String fallback) {
		ConfigEntry entry = (config != null) ? config.get(name) : null;
		return (entry != null && entry.value() != null) ? entry.value() : fallback;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (this.failure != null) {
			builder.down().withDetail("mismatch", this.failure);
		}
		else {
			builder.up().withDetail("checked", this.checked);
		}
	}

	/** A topic that kratos-sync must not run against. */
	public static final class TopicMismatchException extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		TopicMismatchException(String message) {
			super(message);
		}

	}

}
