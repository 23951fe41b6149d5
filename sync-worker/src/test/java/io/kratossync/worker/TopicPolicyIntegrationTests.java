package io.kratossync.worker;

import java.util.List;
import java.util.Map;

import io.kratossync.events.Topics;
import io.kratossync.support.Causes;
import io.kratossync.testing.Postgres;
import io.kratossync.testing.TestBroker;
import io.kratossync.testing.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The services never change a topic's partition count (on a keyed topic that moves
 * identities to other partitions and breaks their order): a topic with another count
 * stops the start, saying why.
 */
@SpringJUnitConfig
@TestKafka
@DirtiesContext
class TopicPolicyIntegrationTests {

	@Autowired
	TestBroker broker;

	@Test
	void refusesToStartAgainstATopicWithAnotherPartitionCount() throws Exception {
		try (Admin admin = Admin.create(Map.of("bootstrap.servers", this.broker.getBrokersAsString()))) {
			admin.createTopics(List.of(new NewTopic(Topics.IDENTITY_EVENTS.name(), 2, (short) 1))).all().get();
		}

		Throwable failure = catchThrowable(() -> SyncWorkerApplication.application()
			.run("--server.port=0", "--management.server.port=0", "--spring.main.banner-mode=off",
					"--spring.kafka.bootstrap-servers=" + this.broker.getBrokersAsString(),
					"--spring.datasource.url=" + Postgres.freshDatabase(), "--spring.datasource.username=postgres",
					"--spring.datasource.password=postgres", "--kratos-sync.topics.partitions=3")
			.close());

		assertThat(failure).isNotNull();
		assertThat(Causes.root(failure).getMessage()).isEqualTo("Refusing to start: topic kratos.identity-events.v1 "
				+ "has 2 partitions but TOPIC_PARTITIONS is 3. kratos-sync never changes the partition count: on a "
				+ "keyed topic that moves identities to other partitions and breaks the order of their events. Set "
				+ "TOPIC_PARTITIONS=2, or move to a new topic with the count you want");
		try (Admin admin = Admin.create(Map.of("bootstrap.servers", this.broker.getBrokersAsString()))) {
			assertThat(admin.describeTopics(List.of(Topics.IDENTITY_EVENTS.name()))
				.allTopicNames()
				.get()
				.get(Topics.IDENTITY_EVENTS.name())
				.partitions()).hasSize(2);
		}
	}

}
