package io.kratossync.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the bench reads off the services: their Prometheus histograms (on the management
 * port, with the metrics key) and their peak resident memory.
 */
final class Scrape {

	/** The key the bench scrapes the services' metrics with, on their management port. */
	static final String METRICS_KEY = "bench-metrics-key-0123456789abcdef";

	private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private Scrape() {
	}

	/**
	 * The buckets of a histogram of a service's metrics, of the series whose labels
	 * contain {@code label} (empty: every series): count of events per upper bound in
	 * seconds.
	 */
	static Map<Double, Long> buckets(String metricsUrl, String histogram, String label) {
		String metrics;
		try {
			metrics = HTTP
				.send(HttpRequest.newBuilder(URI.create(metricsUrl))
					.header("Authorization", "Bearer " + METRICS_KEY)
					.timeout(Duration.ofSeconds(10))
					.build(), HttpResponse.BodyHandlers.ofString())
				.body();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		Map<Double, Long> buckets = new TreeMap<>();
		Matcher series = Pattern.compile("(?m)^" + histogram + "_bucket\\{([^}]*)} ([0-9.E+]+)").matcher(metrics);
		while (series.find()) {
			Matcher le = LE.matcher(series.group(1));
			if (series.group(1).contains(label) && le.find()) {
				double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
				buckets.merge(bound, (long) Double.parseDouble(series.group(2)), Long::sum);
			}
		}
		return buckets;
	}

	/**
	 * p50 / p99 / p99.9 of the events counted between two scrapes, as the upper bounds of
	 * their buckets.
	 */
	static String quantiles(Map<Double, Long> before, Map<Double, Long> after) {
		long total = after.getOrDefault(Double.POSITIVE_INFINITY, 0L)
				- before.getOrDefault(Double.POSITIVE_INFINITY, 0L);
		if (total <= 0) {
			return "n/a";
		}
		StringJoiner quantiles = new StringJoiner(" / ");
		for (double q : new double[] { 0.5, 0.99, 0.999 }) {
			for (Map.Entry<Double, Long> bucket : after.entrySet()) {
				if (bucket.getValue() - before.getOrDefault(bucket.getKey(), 0L) >= Math.ceil(q * total)) {
					quantiles.add(String.format("%.1f", bucket.getKey() * 1000));
					break;
				}
			}
		}
		return quantiles.toString();
	}

	/** The peak resident memory of a process in MB, from {@code /proc} (-1 elsewhere). */
	static long peakRssMb(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
				if (line.startsWith("VmHWM:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
				}
			}
		}
		catch (IOException ex) {
			// not Linux, or the process is gone
		}
		return -1;
	}

}
