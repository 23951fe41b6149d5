package io.kratossync.worker.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kratossync.support.Causes;
import io.kratossync.worker.history.Comparison;
import io.kratossync.worker.history.Progress;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where and how the commands write: results on standard output, progress on standard
 * error.
 */
final class Output {

	/** The most lines of a list written as text ({@code --json} writes all). */
	static final int TEXT_LINES = 20;

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	final PrintStream out;

	final PrintStream err;

	private final CommandContext context;

	Output(PrintStream out, PrintStream err, CommandContext context) {
		this.out = out;
		this.err = err;
		this.context = context;
	}

	Progress progress(String command) {
		return new ProgressLine(this.err, command,
				this.context.setting(CommandContext.PROGRESS_AFTER, Duration.ofSeconds(3)),
				this.context.setting(CommandContext.PROGRESS_EVERY, Duration.ofSeconds(2)), System::nanoTime);
	}

	void json(Object value) {
		this.out.println(JSON.writeValueAsString(value));
	}

	void line(String format, Object... args) {
		this.out.println(String.format(format, args));
	}

	/**
	 * @param failure why a command failed
	 * @return its message, and its root cause when that says more
	 */
	static String reason(Throwable failure) {
		Throwable root = Causes.root(failure);
		String message = (failure.getMessage() != null) ? failure.getMessage() : failure.getClass().getSimpleName();
		boolean told = failure.getMessage() != null && root.getMessage() != null
				&& failure.getMessage().contains(root.getMessage());
		return (root != failure && !told) ? message + " (" + Causes.describeRoot(root) + ")" : message;
	}

	static Map<String, Object> seconds(Duration took) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("seconds", Math.round(took.toMillis()) / 1000.0);
		return map;
	}

	static Map<String, Object> comparison(Comparison comparison) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("rows", comparison.rows());
		map.put("identical", comparison.identical());
		map.put("different", comparison.rows() - comparison.identical());
		map.put("identities", comparison.identities());
		map.put("differences", comparison.differences().stream().map(Output::difference).toList());
		map.put("more", comparison.more());
		return map;
	}

	private static Map<String, Object> difference(Comparison.Difference difference) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("identity", difference.identityId().toString());
		map.put("table", difference.table());
		map.put("field", difference.field());
		map.put("stored", difference.stored());
		map.put("recomputed", difference.recomputed());
		return map;
	}

	/** Writes a comparison's differences as text, a line each. */
	void differences(Comparison comparison) {
		List<Comparison.Difference> differences = comparison.differences();
		for (int i = 0; i < Math.min(TEXT_LINES, differences.size()); i++) {
			Comparison.Difference d = differences.get(i);
			line("  %s  %s.%s  stored %s, history says %s", d.identityId(), d.table(), d.field(), show(d.stored()),
					show(d.recomputed()));
		}
		long left = differences.size() - Math.min(TEXT_LINES, differences.size()) + comparison.more();
		if (left > 0) {
			line("  ... and %s more (--json lists %s)", Text.count(left), Text.count(Comparison.LIMIT));
		}
	}

	/** Writes the records history could not apply, if any. */
	void failures(List<String> failures) {
		if (failures.isEmpty()) {
			return;
		}
		line("%s records could not be applied (the live consumer dead-letters such records):",
				Text.count(failures.size()));
		failures.stream().limit(TEXT_LINES).forEach((f) -> line("  %s", f));
		if (failures.size() > TEXT_LINES) {
			line("  ... and %s more", Text.count(failures.size() - TEXT_LINES));
		}
	}

	private static String show(String value) {
		return (value != null) ? value : "(none)";
	}

}
