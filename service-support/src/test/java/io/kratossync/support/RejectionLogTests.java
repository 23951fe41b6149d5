package io.kratossync.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RejectionLogTests {

	private final AtomicLong now = new AtomicLong();

	private final List<String> lines = new ArrayList<>();

	private final RejectionLog log = new RejectionLog(Duration.ofSeconds(60), this.now::get, this.lines::add);

	@Test
	void logsTheFirstRefusalOfEachReasonAtOnceAndTheRestAsOneSummaryPerInterval() {
		this.log.rejected("admin", "unauthenticated", "POST", "/admin/identities/x/password-change-required");
		for (int i = 0; i < 9999; i++) {
			this.log.rejected("admin", "unauthenticated", "POST", "/admin/x");
		}
		this.log.rejected("none", "non_canonical_path", "POST", "/%68ooks");
		this.log.rejected("none", "non_canonical_path", "POST", "/%68ooks/again");
		assertThat(this.lines).containsExactly(
				"Refused POST /admin/identities/x/password-change-required (admin: unauthenticated); further refused "
						+ "requests are summarised once a minute",
				"Refused POST /%68ooks (none: non_canonical_path); further refused requests are summarised once a "
						+ "minute");
		this.now.set(Duration.ofSeconds(61).toNanos());

		this.log.rejected("webhook", "unauthenticated", "POST", "/hooks/kratos/recovery");

		assertThat(this.lines.subList(2, 4)).containsExactly(
				"10000 more refused requests in the last 61 s (9999 admin/unauthenticated, 1 none/non_canonical_path); "
						+ "latest: Refused POST /%68ooks/again (none: non_canonical_path)",
				"Refused POST /hooks/kratos/recovery (webhook: unauthenticated); further refused requests are "
						+ "summarised once a minute");
	}

	@Test
	void writesNoSummaryOfAnIntervalWithOneRefusal() {
		this.log.rejected("admin", "unauthenticated", "POST", "/a");
		this.now.set(Duration.ofSeconds(61).toNanos());
		this.log.rejected("admin", "unauthenticated", "POST", "/b");

		assertThat(this.lines).hasSize(2).allMatch((line) -> line.startsWith("Refused POST /"));
	}

	@Test
	void cutsAndCleansWhatItLogsOfAPath() {
		assertThat(RejectionLog.printable("/a\r\nforged: line\u0000", 120)).isEqualTo("/a??forged: line?");
		assertThat(RejectionLog.printable("/" + "x".repeat(200), 120)).hasSize(123).endsWith("...");
	}

}
