package io.kratossync.worker.consume;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.kratossync.support.SummaryWindow;
import io.kratossync.worker.apply.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line a minute about what was applied, instead of one per poll (which at a few
 * thousand events a second, or during a catch-up, floods the log); the line per poll is
 * at DEBUG.
 */
final class ApplySummary {

	private static final Logger log = LoggerFactory.getLogger(ApplySummary.class);

	private final SummaryWindow window = new SummaryWindow(Duration.ofMinutes(1), System::nanoTime);

	private final Map<Outcome, LongAdder> counts = new EnumMap<>(Outcome.class);

	ApplySummary() {
		for (Outcome outcome : Outcome.values()) {
			this.counts.put(outcome, new LongAdder());
		}
	}

	void applied(Map<Outcome, Integer> outcomes) {
		outcomes.forEach((outcome, n) -> this.counts.get(outcome).add(n));
		long elapsed = this.window.closeIfOver();
		if (elapsed >= 0) {
			long changed = this.counts.get(Outcome.APPLIED).sumThenReset();
			long stale = this.counts.get(Outcome.STALE).sumThenReset();
			long duplicates = this.counts.get(Outcome.DUPLICATE).sumThenReset();
			long ignored = this.counts.get(Outcome.IGNORED).sumThenReset();
			long all = changed + stale + duplicates + ignored;
			long seconds = Math.max(1, Math.round(elapsed / 1e9));
			log.info(
					"Applied {} events in the last {} s ({}/s): {} changed state, {} stale (newer state stored), {} "
							+ "duplicates skipped, {} without application state (sessions); one line per poll at DEBUG",
					all, seconds, all / seconds, changed, stale, duplicates, ignored);
		}
	}

}
