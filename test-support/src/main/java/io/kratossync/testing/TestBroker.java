package io.kratossync.testing;

import java.util.Map;

import org.testcontainers.kafka.KafkaContainer;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The Kafka broker of a test context ({@link TestKafka}): a real KRaft broker in-process,
 * or, with {@code -Dkratos-sync.containers=true}, Testcontainers' Kafka.
 */
public interface TestBroker {

	/**
	 * @return the bootstrap servers, {@code host:port}
	 */
	String getBrokersAsString();

	/** Stops the broker (when its context closes). */
	void stop();

	/**
	 * Starts the broker the switch chooses.
	 * @param partitions the partitions of a topic created on first use
	 * @return the running broker
	 */
	static TestBroker start(int partitions) {
		if (Containers.enabled()) {
			KafkaContainer container = new KafkaContainer(Containers.KAFKA_IMAGE)
				.withEnv(Map.of("KAFKA_NUM_PARTITIONS", Integer.toString(partitions)));
			container.start();
			return new TestBroker() {

				@Override
				public String getBrokersAsString() {
					return container.getBootstrapServers();
				}

				@Override
				public void stop() {
					container.stop();
				}

			};
		}
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, partitions);
		broker.afterPropertiesSet();
		return new TestBroker() {

			@Override
			public String getBrokersAsString() {
				return broker.getBrokersAsString();
			}

			@Override
			public void stop() {
				broker.destroy();
			}

		};
	}

}
