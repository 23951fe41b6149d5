package io.kratossync.worker.consume;

import java.sql.SQLException;
import java.time.Duration;

import io.kratossync.events.EventDecodingException;
import io.kratossync.worker.system.WorkerProperties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.util.backoff.BackOffExecution;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The back-off of a failed record follows the kind of its latest failure: the error
 * handler tells each failure to the retry listener, then asks the back-off for the next
 * wait, as spring-kafka's FailedRecordTracker does.
 */
class ClassifiedBackOffTests {

	private final ClassifiedBackOff backOffs = new ClassifiedBackOff(
			new WorkerProperties.Consumer(Duration.ofMillis(100), Duration.ofSeconds(2), 2));

	private final ConsumerRecord<String, String> record = new ConsumerRecord<>("kratos.identity-events.v1", 1, 42,
			"key", "value");

	private final RetryListener listener = this.backOffs.listener();

	private final BackOffExecution execution = this.backOffs.of(this.record).start();

	@Test
	void anUnknownFailureIsRetriedTwiceThenDeadLettered() {
		assertThat(fail(new IllegalStateException("bug"))).isEqualTo(100);
		assertThat(fail(new IllegalStateException("bug"))).isEqualTo(100);
		assertThat(fail(new IllegalStateException("bug"))).isEqualTo(BackOffExecution.STOP);
	}

	@Test
	void aRecordThatTurnsOutToMeetADatabaseOutageIsRetriedWithoutEnd() {
		fail(new IllegalStateException("bug"));
		fail(new IllegalStateException("bug"));
		// then the database goes read-only: the unknown attempts do not count against it
		long last = 0;
		for (int i = 0; i < 100; i++) {
			last = fail(wrapped(new SQLException("cannot execute INSERT in a read-only transaction", "25006")));
			assertThat(last).isNotEqualTo(BackOffExecution.STOP);
		}
		// exponential from the first transient failure, capped
		assertThat(last).isEqualTo(2000);
	}

	@Test
	void theTransientBackOffStartsAgainFromItsFirstWait() {
		assertThat(fail(wrapped(new DataAccessResourceFailureException("down")))).isEqualTo(100);
		assertThat(fail(wrapped(new DataAccessResourceFailureException("down")))).isEqualTo(200);
		fail(new IllegalStateException("bug"));
		assertThat(fail(wrapped(new DataAccessResourceFailureException("down again")))).isEqualTo(100);
	}

	@Test
	void aPoisonRecordIsDeadLetteredAtOnce() {
		fail(wrapped(new DataAccessResourceFailureException("down")));
		assertThat(fail(wrapped(new EventDecodingException("record has no ce_type header"))))
			.isEqualTo(BackOffExecution.STOP);
	}

	private long fail(Exception ex) {
		this.listener.failedDelivery(this.record, ex, 1);
		return this.execution.nextBackOff();
	}

	private static Exception wrapped(Exception cause) {
		return new ListenerExecutionFailedException("listener failed", cause);
	}

}
