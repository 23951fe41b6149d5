package io.kratossync.worker.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kratossync.worker.history.Replay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
		description = { "Recomputes the state of identities from the topic with the live handlers, fences and inbox, "
				+ "shows where the stored state differs (stored value, recomputed value) and, unless --dry-run, "
				+ "makes the stored state what history says.",
				"An identity's state is always recomputed from its whole history up to where the live state ends "
						+ "(the offsets stored with it); --from and --to choose the identities (those with a record in "
						+ "that window), --identity names them.",
				"Never writes the outbox, never calls Kratos; runs beside the live worker (no consumer group)." },
		footer = { "", "Exit codes: 0 done (or nothing differs), 1 failed, 2 wrong usage, "
				+ "3 --dry-run found differences." })
final class ReplayCommand extends OperatorCommand {

	@Option(names = "--from", required = true, paramLabel = "<time>", converter = Times.class,
			description = "start of the window: an RFC 3339 time (2026-12-01T10:00:00Z) or 'earliest'")
	Times.Time from;

	@Option(names = "--to", paramLabel = "<time>", converter = Times.class,
			description = "end of the window (default: where the live state ends)")
	Times.Time to;

	@Option(names = "--identity", paramLabel = "<id>",
			description = "replay this identity whatever the window (repeatable)")
	List<UUID> identities = new ArrayList<>();

	@Option(names = "--dry-run", description = "show the differences, change nothing")
	boolean dryRun;

	@Option(names = "--json", description = "write the result as JSON")
	boolean json;

	ReplayCommand(CommandContext context, Output output) {
		super(context, output);
	}

	@Override
	public Integer call() {
		Replay.Options options = new Replay.Options(this.from.instant(), (this.to != null) ? this.to.instant() : null,
				new LinkedHashSet<>(this.identities), this.dryRun);
		Replay.Result result = new Replay(this.context.sources()).run(options, this.output.progress("replay"));
		int code = (this.dryRun && !result.comparison().same()) ? Commands.DIFFERENT : Commands.OK;
		if (this.json) {
			Map<String, Object> map = new LinkedHashMap<>();
			map.put("identities", result.identities());
			map.put("recordsRead", result.recordsRead());
			map.put("dryRun", this.dryRun);
			map.put("comparison", Output.comparison(result.comparison()));
			map.put("written", result.written());
			map.put("rowsWritten", result.rowsWritten());
			map.put("failures", result.failures());
			map.put("took", Output.seconds(result.took()));
			map.put("exitCode", code);
			this.output.json(map);
			return code;
		}
		this.output.line("replay: %s identities, %s records read in %s", Text.count(result.identities()),
				Text.count(result.recordsRead()), Text.took(result.took()));
		if (result.comparison().same()) {
			this.output.line("the stored state is what history says: nothing to write");
		}
		else {
			this.output.line("the stored state differs from history in %s fields of %s identities:",
					Text.count(result.comparison().differences().size() + result.comparison().more()),
					Text.count(result.comparison().identities()));
			this.output.differences(result.comparison());
			this.output.line(result.written() ? "written: " + Text.count(result.rowsWritten()) + " rows"
					: "dry run: nothing written");
		}
		this.output.failures(result.failures());
		return code;
	}

}
