package io.kratossync.local;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.text.DecimalFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The sweep as a chart: throughput against p99 latency, one line per target, each point
 * labelled with its concurrency. Where a line turns up is where that endpoint saturates.
 */
final class SweepChart {

	private static final Color[] COLORS = { new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C),
			new Color(0x9467BD), new Color(0xFF7F0E) };

	private SweepChart() {
	}

	/** A base-10 log axis with a labelled tick per power of ten and nine minor ticks. */
	private static LogAxis logAxis(String label, double smallest, String format) {
		LogAxis axis = new LogAxis(label);
		axis.setSmallestValue(smallest);
		axis.setTickUnit(new NumberTickUnit(1));
		axis.setMinorTickCount(9);
		axis.setMinorTickMarksVisible(true);
		axis.setNumberFormatOverride(new DecimalFormat(format));
		return axis;
	}

	/** Writes the chart of the points as a PNG. */
	static void write(List<ConcurrencySweep.Point> points, String title, String subtitle, Path png) throws IOException {
		System.setProperty("java.awt.headless", "true");
		Map<String, XYSeries> series = new LinkedHashMap<>();
		Map<String, List<String>> labels = new LinkedHashMap<>();
		for (ConcurrencySweep.Point point : points) {
			series.computeIfAbsent(point.target(), (name) -> new XYSeries(name, false, true))
				.add(point.rate(), Math.max(0.01, point.p99()));
			labels.computeIfAbsent(point.target(), (name) -> new ArrayList<>())
				.add(Integer.toString(point.concurrency()));
		}
		XYSeriesCollection dataset = new XYSeriesCollection();
		series.values().forEach(dataset::addSeries);
		JFreeChart chart = ChartFactory.createXYLineChart(title, "throughput (requests per second, log scale)",
				"p99 latency (ms, log scale)", dataset, PlotOrientation.VERTICAL, true, false, false);
		chart.setBackgroundPaint(Color.WHITE);
		chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
		chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
		XYPlot plot = chart.getXYPlot();
		plot.setBackgroundPaint(Color.WHITE);
		plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
		plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
		plot.setRangeAxis(logAxis("p99 latency (ms, log scale)", 0.01, "#,##0.#"));
		// the producer alone runs an order of magnitude beyond the endpoints: log scale
		plot.setDomainAxis(logAxis("throughput (requests per second, log scale)", 10, "#,##0"));
		XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
		List<List<String>> byIndex = new ArrayList<>(labels.values());
		renderer.setDefaultItemLabelGenerator((data, s, item) -> "c=" + byIndex.get(s).get(item));
		renderer.setDefaultItemLabelsVisible(true);
		renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
		for (int i = 0; i < series.size(); i++) {
			renderer.setSeriesPaint(i, COLORS[i % COLORS.length]);
			renderer.setSeriesStroke(i, new BasicStroke(2f));
		}
		plot.setRenderer(renderer);
		ChartUtils.saveChartAsPNG(png.toFile(), chart, 960, 600);
	}

}
