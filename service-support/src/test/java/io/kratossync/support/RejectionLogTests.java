package io.kratossync.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RejectionLogTests {

	private final AtomicLong now = new AtomicLong();

	private final RejectionLog log = new RejectionLog(Duration.ofSeconds(60), this.now::get);

	@Test
	void logsTheFirstRefusalAtOnceAndTheRestAsOneSummaryPerInterval() {
		assertThat(this.log.lines("admin", "unauthenticated", "POST", "/admin/identities/x/password-change-required"))
			.containsExactly("Refused POST /admin/identities/x/password-change-required (admin: unauthenticated); "
					+ "further refusals are summarised once per interval");
		for (int i = 0; i < 9999; i++) {
			assertThat(this.log.lines("admin", "unauthenticated", "POST", "/admin/x")).isEmpty();
		}
		assertThat(this.log.lines("none", "non_canonical_path", "POST", "/%68ooks")).isEmpty();
		this.now.set(Duration.ofSeconds(61).toNanos());

		assertThat(this.log.lines("webhook", "unauthenticated", "POST", "/hooks/kratos/recovery")).containsExactly(
				"Refused 10000 more requests in the last 61 s: admin/unauthenticated=9999 none/non_canonical_path=1",
				"Refused POST /hooks/kratos/recovery (webhook: unauthenticated); further refusals are summarised once "
						+ "per interval");
	}

	@Test
	void writesNoSummaryOfAnIntervalWithOneRefusal() {
		this.log.lines("admin", "unauthenticated", "POST", "/a");
		this.now.set(Duration.ofSeconds(61).toNanos());

		assertThat(this.log.lines("admin", "unauthenticated", "POST", "/b")).hasSize(1);
	}

	@Test
	void cutsAndCleansWhatItLogsOfAPath() {
		assertThat(RejectionLog.printable("/a\r\nforged: line\u0000", 120)).isEqualTo("/a??forged: line?");
		assertThat(RejectionLog.printable("/" + "x".repeat(200), 120)).hasSize(123).endsWith("...");
	}

}
