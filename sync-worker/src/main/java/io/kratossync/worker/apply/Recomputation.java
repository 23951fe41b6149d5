package io.kratossync.worker.apply;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.NamedInterface;

/**
 * The handlers of the live consumer, for recomputing state from history: the same state
 * changes and the same fences, written through another connection (a scratch schema), and
 * without side effects. A recomputation never queues a revocation, so replaying history
 * never calls Kratos.
 */
@NamedInterface("api")
public final class Recomputation {

	private Recomputation() {
	}

	/**
	 * @param jdbc where the state is written (its connection's {@code search_path}
	 * decides the schema)
	 * @return a handler that changes state exactly as the live one does, and never queues
	 * a side effect
	 */
	public static EventHandler withoutSideEffects(JdbcClient jdbc) {
		return new StateChanges(new UserSettingsRepository(jdbc), (identityId, eventId, source, dueOffset, cause) -> {
			// a recomputation changes state only: what the live consumer queued stays its
			// own
		}, false);
	}

}
