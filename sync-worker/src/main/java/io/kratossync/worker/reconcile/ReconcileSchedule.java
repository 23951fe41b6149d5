package io.kratossync.worker.reconcile;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Runs a sweep, waits {@code interval}, runs the next, while the worker runs; only when
 * {@code RECONCILE_INTERVAL} is set. A sweep the worker stopped in the middle of resumes
 * with the next one (here or on another worker).
 */
class ReconcileSchedule implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ReconcileSchedule.class);

	private final Reconciler reconciler;

	private final ReconcileProperties properties;

	private volatile Thread thread;

	ReconcileSchedule(Reconciler reconciler, ReconcileProperties properties) {
		this.reconciler = reconciler;
		this.properties = properties;
	}

	@Override
	public void start() {
		if (!this.properties.scheduled()) {
			return;
		}
		Thread sweeper = new Thread(this::run, "reconcile");
		sweeper.setDaemon(true);
		this.thread = sweeper;
		sweeper.start();
		log.info("Reconcile sweeps of Kratos's identities every {} (at most {} Admin API requests/s, {} a page)",
				this.properties.interval(), this.properties.requestsPerSecond(), this.properties.pageSize());
	}

	private void run() {
		while (!Thread.currentThread().isInterrupted()) {
			try {
				this.reconciler.sweep(false, (event) -> {
				});
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				log.warn("A reconcile sweep failed: {}; the next one resumes it", ex.getMessage());
			}
			try {
				Thread.sleep(this.properties.interval().toMillis());
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	@Override
	public void stop() {
		Thread sweeper = this.thread;
		if (sweeper != null) {
			sweeper.interrupt();
			try {
				sweeper.join(10_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.thread = null;
	}

	@Override
	public boolean isRunning() {
		return this.thread != null;
	}

}
