package io.kratossync.local;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.kratossync.testing.Fixtures;
import io.netty.handler.codec.http.HttpMethod;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The bench's Kratos: sends login webhooks (Kratos's full raw {@code ctx}, about 4 KB)
 * over kept-alive connections, closed loop (a fixed number in flight) or open loop (a
 * fixed rate). Reactor Netty's client: it costs less CPU per request than the JDK's
 * HttpClient, and leaves more of the two cores to what it measures. Every phase fails
 * when a request is not answered 2xx: a figure measured over failures would flatter the
 * endpoint.
 */
final class LoadGenerator implements AutoCloseable {

	/** The webhook key every endpoint of the bench is configured with. */
	static final String KEY = "bench-webhook-key-0123456789abcdef";

	private static final String FIXTURE_IDENTITY = "3a5293f1-f4d6-49f4-b34f-6da62c360604";

	private final String body = Fixtures.text("kratos/login-after.ctx.json");

	private final ConnectionProvider connections;

	private final HttpClient client;

	/**
	 * @param connections the most connections kept open at once; requests beyond them
	 * wait in the client, and that wait counts in their latency
	 */
	LoadGenerator(int connections) {
		this.connections = ConnectionProvider.builder("bench-" + connections)
			.maxConnections(connections)
			.pendingAcquireMaxCount(-1)
			.build();
		this.client = HttpClient.create(this.connections);
	}

	/** The client, for the bench's other calls (metrics scrapes). */
	HttpClient client() {
		return this.client;
	}

	/**
	 * What one closed-loop phase measured.
	 *
	 * @param rate requests answered per second
	 * @param latency time from send to answer of each request, nanoseconds
	 */
	record Phase(double rate, Histogram latency) {
	}

	/**
	 * Closed loop: {@code inFlight} requests at a time until {@code count} are answered.
	 */
	Phase count(String url, int inFlight, int count) throws InterruptedException {
		return closedLoop(url, inFlight, (sent) -> sent < count);
	}

	/**
	 * Closed loop: {@code inFlight} requests at a time for {@code duration}; the requests
	 * still in flight at its end are answered and counted.
	 */
	Phase during(String url, int inFlight, Duration duration) throws InterruptedException {
		long end = System.nanoTime() + duration.toNanos();
		return closedLoop(url, inFlight, (sent) -> System.nanoTime() < end);
	}

	private interface Continue {

		boolean test(long sent);

	}

	private Phase closedLoop(String url, int inFlight, Continue more) throws InterruptedException {
		Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
		Semaphore permits = new Semaphore(inFlight);
		AtomicInteger failures = new AtomicInteger();
		long start = System.nanoTime();
		long sent = 0;
		while (more.test(sent)) {
			permits.acquire();
			long sentAt = System.nanoTime();
			send(url, UUID.randomUUID()).whenComplete((status, ex) -> {
				latency.recordValue(Math.min(System.nanoTime() - sentAt, latency.getHighestTrackableValue()));
				count(failures, status, ex);
				permits.release();
			});
			sent++;
		}
		// all answered once every permit is back
		permits.acquire(inFlight);
		double rate = sent / ((System.nanoTime() - start) / 1e9);
		requireNoFailures(url, failures);
		return new Phase(rate, latency);
	}

	/**
	 * Open loop at a fixed rate for {@code duration}; latency is measured from the
	 * intended send time (no coordinated omission). When {@code acks} is given, every
	 * 20th accepted identity is added with the wall-clock time of its 2xx.
	 */
	Histogram openLoop(String url, double rate, Duration duration, List<long[]> acks) throws InterruptedException {
		Histogram histogram = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(30), 3);
		long interval = (long) (1e9 / rate);
		long start = System.nanoTime();
		long end = start + duration.toNanos();
		Semaphore answered = new Semaphore(0);
		AtomicInteger failures = new AtomicInteger();
		ConcurrentLinkedQueue<long[]> sampled = new ConcurrentLinkedQueue<>();
		int i = 0;
		for (long due = start; due < end; due += interval, i++) {
			long wait = due - System.nanoTime();
			if (wait > 0) {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			long intended = due;
			boolean sample = acks != null && i % 20 == 0;
			UUID identity = UUID.randomUUID();
			send(url, identity).whenComplete((r, ex) -> {
				histogram.recordValue(Math.min(System.nanoTime() - intended, histogram.getHighestTrackableValue()));
				count(failures, r, ex);
				if (sample && r != null && r == 202) {
					sampled.add(new long[] { identity.getMostSignificantBits(), identity.getLeastSignificantBits(),
							System.currentTimeMillis() });
				}
				answered.release();
			});
		}
		answered.acquire(i);
		requireNoFailures(url, failures);
		if (acks != null) {
			acks.addAll(sampled);
		}
		return histogram;
	}

	/** Waits until the endpoint answers 2xx. */
	void awaitAnswering(String url, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			try {
				if (send(url, UUID.randomUUID()).get(5, TimeUnit.SECONDS) < 300) {
					return;
				}
			}
			catch (Exception ex) {
				// not listening yet
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(url + " did not answer within " + timeout);
			}
			Machine.pause(200);
		}
	}

	private static final AtomicLong TRIGGERS = new AtomicLong();

	/**
	 * Sends a login webhook of the identity and completes with the status once the answer
	 * is read.
	 */
	CompletableFuture<Integer> send(String url, UUID identity) {
		byte[] body = this.body.replace(FIXTURE_IDENTITY, identity.toString()).getBytes(StandardCharsets.UTF_8);
		String triggerId = new UUID(TRIGGERS.incrementAndGet(), identity.getLeastSignificantBits()).toString();
		return this.client.request(HttpMethod.POST).uri(url).send((request, out) -> {
			request.header("Content-Type", "application/json")
				.header("X-Webhook-Key", KEY)
				.header("Ory-Webhook-Trigger-ID", triggerId)
				.header("Content-Length", Integer.toString(body.length));
			return out.sendByteArray(Mono.just(body));
		}).responseSingle((response, content) -> content.then(Mono.just(response.status().code()))).toFuture();
	}

	/** Counts an answer that is not 2xx, or no answer at all. */
	private static void count(AtomicInteger failures, Integer status, Throwable ex) {
		if (ex != null || status >= 300) {
			failures.incrementAndGet();
		}
	}

	private static void requireNoFailures(String url, AtomicInteger failures) {
		if (failures.get() > 0) {
			throw new IllegalStateException(failures.get() + " requests to " + url + " failed");
		}
	}

	@Override
	public void close() {
		this.connections.disposeLater().block(Duration.ofSeconds(10));
	}

}
