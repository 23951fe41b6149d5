package io.kratossync.worker.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import io.kratossync.worker.history.Rebuild;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "rebuild", mixinStandardHelpOptions = true, sortOptions = false,
		description = { "Recomputes all application state from the beginning of the topic into a fresh schema "
				+ "(created by the worker's migrations) with the live handlers, fences and inbox, up to where the live "
				+ "state ends; compares it row by row with the live schema; with --swap makes it the live state in "
				+ "one transaction (the previous rows kept as <schema>.previous_*).",
				"Never writes the outbox, never calls Kratos; runs beside the live worker (no consumer group)." },
		footer = { "", "Exit codes: 0 done (or nothing differs), 1 failed, 2 wrong usage, "
				+ "3 --compare found differences." })
final class RebuildCommand extends OperatorCommand {

	@Option(names = "--schema", paramLabel = "<name>",
			description = "the schema to rebuild into; it must not exist (default: " + Rebuild.DEFAULT_SCHEMA + ")")
	String schema = Rebuild.DEFAULT_SCHEMA;

	@Option(names = "--compare", description = "compare the rebuilt state with the live state, row by row")
	boolean compare;

	@Option(names = "--swap", description = "make the rebuilt state the live state (compares first)")
	boolean swap;

	@Option(names = "--keep", description = "keep the rebuilt schema after --compare (dropped otherwise)")
	boolean keep;

	@Option(names = "--json", description = "write the result as JSON")
	boolean json;

	RebuildCommand(CommandContext context, Output output) {
		super(context, output);
	}

	@CommandLine.Spec
	CommandLine.Model.CommandSpec spec;

	@Override
	public Integer call() {
		if (!this.schema.matches("[a-z_][a-z0-9_]{0,62}")) {
			throw new CommandLine.ParameterException(this.spec.commandLine(), "--schema '" + this.schema
					+ "' is not a schema name: lower case letters, digits and _, at most 63, not starting with a digit");
		}
		Rebuild.Result result = new Rebuild(this.context.sources())
			.run(new Rebuild.Options(this.schema, this.compare, this.swap, this.keep), this.output.progress("rebuild"));
		boolean differs = result.comparison() != null && !result.comparison().same();
		int code = (differs && !result.swapped()) ? Commands.DIFFERENT : Commands.OK;
		if (this.json) {
			Map<String, Object> map = new LinkedHashMap<>();
			map.put("schema", result.schema());
			map.put("recordsRead", result.recordsRead());
			map.put("applied", result.applied());
			map.put("applyTook", Output.seconds(result.applyTook()));
			map.put("recordsPerSecond", Math.round(result.rate()));
			map.put("comparison", (result.comparison() != null) ? Output.comparison(result.comparison()) : null);
			map.put("swapped", result.swapped());
			map.put("schemaKept", result.kept());
			map.put("failures", result.failures());
			map.put("took", Output.seconds(result.took()));
			map.put("exitCode", code);
			this.output.json(map);
			return code;
		}
		this.output.line("rebuild: %s records read, %s applied, in %s (%s records/s)", Text.count(result.recordsRead()),
				Text.count(result.applied()), Text.took(result.applyTook()), Text.count(Math.round(result.rate())));
		if (result.comparison() != null) {
			this.output.line("%s the live state: %s rows, %s identical, %s different (%s identities)",
					result.swapped() ? "compared just before the swap with" : "compared with",
					Text.count(result.comparison().rows()), Text.count(result.comparison().identical()),
					Text.count(result.comparison().rows() - result.comparison().identical()),
					Text.count(result.comparison().identities()));
			this.output.differences(result.comparison());
		}
		if (result.swapped()) {
			this.output.line("swapped: the live state is now the rebuilt one; the previous rows are in %s.previous_*",
					result.schema());
		}
		if (result.kept()) {
			this.output.line("schema %s kept (DROP SCHEMA %s CASCADE removes it)", result.schema(), result.schema());
		}
		this.output.failures(result.failures());
		return code;
	}

}
