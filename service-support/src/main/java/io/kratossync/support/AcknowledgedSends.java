package io.kratossync.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Sends that return only once every item was acknowledged, in order: on a failure the
 * sends start again from the first unacknowledged item (so the items of one key keep
 * their order; an item acknowledged twice is a duplicate its consumer drops), after a
 * back-off of 0.5 s doubling to 30 s, for as long as it takes. Used where a position may
 * move only past what Kafka acknowledged (change data capture, the reconcile sweep).
 */
public final class AcknowledgedSends {

	private static final long MAX_BACKOFF_MILLIS = 30_000;

	private AcknowledgedSends() {
	}

	/**
	 * Sends one item.
	 *
	 * @param <T> the item type
	 */
	@FunctionalInterface
	public interface Send<T> {

		/**
		 * @param item the item
		 * @return its acknowledgement
		 */
		Future<?> send(T item);

	}

	/** Told of a failed attempt, before the wait. */
	@FunctionalInterface
	public interface Failure {

		/**
		 * @param unacknowledged the position (from 1) of the first unacknowledged item
		 * @param total the number of items
		 * @param cause what went wrong
		 * @param backoffMillis the wait before the next attempt
		 */
		void failed(int unacknowledged, int total, Throwable cause, long backoffMillis);

	}

	/**
	 * Sends the items and waits until every one was acknowledged.
	 * @param <T> the item type
	 * @param items the items, in order
	 * @param send how one is sent
	 * @param timeout the longest wait for one acknowledgement in an attempt
	 * @param running checked before each wait: false ends it with an interrupt
	 * @param acknowledged told each item once acknowledged, in order
	 * @param failure told of each failed attempt
	 * @throws InterruptedException when interrupted, or when no longer running
	 */
	public static <T> void inOrder(List<T> items, Send<T> send, Duration timeout, BooleanSupplier running,
			Consumer<T> acknowledged, Failure failure) throws InterruptedException {
		int done = 0;
		long backoff = 500;
		while (done < items.size()) {
			List<Future<?>> sent = new ArrayList<>();
			for (T item : items.subList(done, items.size())) {
				sent.add(send.send(item));
			}
			try {
				for (Future<?> future : sent) {
					future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
					acknowledged.accept(items.get(done));
					done++;
				}
			}
			catch (ExecutionException | TimeoutException | RuntimeException ex) {
				failure.failed(done + 1, items.size(), ex, backoff);
				if (!running.getAsBoolean()) {
					throw new InterruptedException("stopping with items unacknowledged");
				}
				TimeUnit.MILLISECONDS.sleep(backoff);
				backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
			}
		}
	}

}
