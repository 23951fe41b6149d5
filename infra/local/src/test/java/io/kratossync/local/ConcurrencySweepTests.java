package io.kratossync.local;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the bench reports of a sweep: each target's saturation is its point of highest
 * throughput (not its highest concurrency), the table has a row per point, and the chart
 * is a PNG with a line per target.
 */
class ConcurrencySweepTests {

	private static final int[] LEVELS = { 1, 8, 32, 128, 512 };

	@Test
	void saturationIsThePointOfHighestThroughputWhereverItLies(@TempDir Path dir) throws Exception {
		List<ConcurrencySweep.Point> points = new ArrayList<>();
		double[] ingest = { 300, 2400, 6100, 7900, 7400 };
		double[] trivial = { 6000, 11000, 16000, 17000, 15000 };
		for (int i = 0; i < LEVELS.length; i++) {
			points.add(point("hook-ingest", LEVELS[i], ingest[i], 2.0 * (i + 1)));
			points.add(point("trivial WebFlux endpoint", LEVELS[i], trivial[i], 0.5 * (i + 1)));
		}

		Map<String, ConcurrencySweep.Point> saturation = ConcurrencySweep.saturation(points);
		assertThat(saturation.get("hook-ingest").concurrency()).isEqualTo(128);
		assertThat(saturation.get("trivial WebFlux endpoint").rate()).isEqualTo(17000);

		String table = ConcurrencySweep.table(points);
		assertThat(table.lines()).hasSize(1 + points.size());
		assertThat(table).contains("hook-ingest").contains("7900");

		Path png = dir.resolve("sweep.png");
		SweepChart.write(points, "title", "subtitle", png);
		BufferedImage image = ImageIO.read(png.toFile());
		assertThat(image.getWidth()).isEqualTo(960);
		assertThat(image.getHeight()).isEqualTo(600);
		assertThat(Files.size(png)).isGreaterThan(10_000);
	}

	private static ConcurrencySweep.Point point(String target, int concurrency, double rate, double p99) {
		return new ConcurrencySweep.Point(target, concurrency, rate, p99 / 4, p99, p99 * 2, 0.1, "1.00 / 0.50 / 0.10",
				List.of(Math.round(rate)));
	}

}
