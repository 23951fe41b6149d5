package io.kratossync.worker;

import java.util.UUID;

import io.kratossync.worker.system.RetentionAccess;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbox and the finished Kratos calls are pruned by age; what is younger, and every
 * call still waiting, is kept.
 */
@TestPropertySource(properties = { "kratos-sync.worker.retention.inbox=7d", "kratos-sync.worker.retention.outbox=3d",
		"kratos-sync.worker.retention.batch-size=3" })
@DirtiesContext
class RetentionIntegrationTests extends WorkerIntegrationTestSupport {

	@Autowired
	RetentionAccess retention;

	@Test
	void removesOnlyWhatIsOlderThanItsRetention() {
		String mark = UUID.randomUUID().toString();
		for (int i = 0; i < 10; i++) {
			inbox(mark, "8 days");
		}
		inbox(mark, "6 days");
		action("done", "4 days", mark);
		action("failed", "4 days", mark);
		action("skipped", "2 days", mark);
		action("pending", "40 days", mark);

		this.retention.prune();

		assertThat(this.jdbc.sql("SELECT count(*) FROM processed_events WHERE source_topic = ?")
			.param(mark)
			.query(Long.class)
			.single()).isEqualTo(1);
		assertThat(this.jdbc.sql("SELECT status FROM kratos_actions WHERE last_error = ? ORDER BY status")
			.param(mark)
			.query(String.class)
			.list()).containsExactly("pending", "skipped");
	}

	private void inbox(String mark, String age) {
		this.jdbc.sql("INSERT INTO processed_events (event_id, event_type, identity_id, source_topic, partition_no, "
				+ "record_offset, processed_at) VALUES (?, 'kratos.identity.logged_in', ?, ?, 0, 0, now() - interval '"
				+ age + "')")
			.params(UUID.randomUUID(), UUID.randomUUID(), mark)
			.update();
	}

	private void action(String status, String age, String mark) {
		this.jdbc
			.sql("INSERT INTO kratos_actions (action, identity_id, event_id, status, completed_at, created_at, "
					+ "last_error) VALUES ('revoke_sessions', ?, ?, ?, CASE WHEN ? = 'pending' THEN NULL ELSE now() - "
					+ "interval '" + age + "' END, now() - interval '" + age + "', ?)")
			.params(UUID.randomUUID(), UUID.randomUUID(), status, status, mark)
			.update();
	}

}
