package io.kratossync.support;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Whether the Kafka cluster answers: a {@code describeCluster} call bounded by a short
 * timeout. Part of the readiness group, so a load balancer stops sending traffic to an
 * instance that cannot reach the broker, while liveness stays up (restarting would not
 * help).
 */
public class KafkaHealthIndicator extends AbstractHealthIndicator {

	private final Admin admin;

	private final Duration timeout;

	/**
	 * Creates the indicator.
	 * @param adminProperties the admin client settings (bootstrap servers, security)
	 * @param timeout how long one check may take
	 */
	public KafkaHealthIndicator(Map<String, Object> adminProperties, Duration timeout) {
		super("Kafka is unreachable");
		this.admin = Admin.create(adminProperties);
		this.timeout = timeout;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		DescribeClusterOptions options = new DescribeClusterOptions().timeoutMs((int) this.timeout.toMillis());
		var cluster = this.admin.describeCluster(options);
		int nodes = cluster.nodes().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS).size();
		builder.up().withDetail("nodes", nodes);
	}

	/** Closes the admin client. */
	public void close() {
		this.admin.close(Duration.ofSeconds(1));
	}

}
