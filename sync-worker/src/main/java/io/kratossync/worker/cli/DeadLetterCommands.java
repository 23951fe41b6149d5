package io.kratossync.worker.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;

import io.kratossync.worker.history.DeadLetters;
import io.kratossync.worker.history.DeadLetters.DeadLetter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "dlt", mixinStandardHelpOptions = true,
		description = "The dead letters: records the worker could not apply, with their reason.",
		footer = { "", "Exit codes: 0 done, 1 failed, 2 wrong usage." })
final class DeadLetterCommands implements Runnable {

	@CommandLine.Spec
	CommandLine.Model.CommandSpec spec;

	@Override
	public void run() {
		throw new CommandLine.ParameterException(this.spec.commandLine(), "name a command: list or redrive");
	}

	/** The options that choose dead letters. */
	static class Selection {

		@Option(names = "--since", paramLabel = "<time>", converter = Times.class,
				description = "dead-lettered at or after this RFC 3339 time")
		Times.Time since;

		@Option(names = "--type", paramLabel = "<ce_type>",
				description = "of this CloudEvents type, e.g. kratos.identity.logged_in")
		String type;

		@Option(names = "--json", description = "write the result as JSON")
		boolean json;

		DeadLetters.Filter filter(java.util.List<String> positions) {
			return new DeadLetters.Filter((this.since != null) ? this.since.instant() : null, this.type,
					new LinkedHashSet<>(positions));
		}

	}

	@Command(name = "list", mixinStandardHelpOptions = true,
			description = "Lists the dead letters, oldest first: position, time, type, identity, original "
					+ "topic-partition@offset, redrives so far, reason.",
			footer = { "", "Exit codes: 0 done, 1 failed, 2 wrong usage." })
	static final class List extends OperatorCommand {

		@CommandLine.Mixin
		Selection selection = new Selection();

		List(CommandContext context, Output output) {
			super(context, output);
		}

		@Override
		public Integer call() {
			java.util.List<DeadLetter> letters = new DeadLetters(this.context.sources())
				.list(this.selection.filter(java.util.List.of()), this.output.progress("dlt list"));
			if (this.selection.json) {
				this.output.json(Map.of("deadLetters", letters.stream().map(DeadLetterCommands::map).toList()));
				return Commands.OK;
			}
			this.output.line("%s dead letters", Text.count(letters.size()));
			letters.forEach((letter) -> this.output.line("  %s", describe(letter)));
			return Commands.OK;
		}

	}

	@Command(name = "redrive", mixinStandardHelpOptions = true,
			description = { "Publishes the chosen dead letters again to the main topic, with their key, value and "
					+ "CloudEvents headers and a redrive count header. A dead letter whose event was applied since "
					+ "(the inbox) is left alone, and each event is published once, so running it twice applies "
					+ "nothing twice." },
			footer = { "", "Exit codes: 0 done, 1 failed, 2 wrong usage." })
	static final class Redrive extends OperatorCommand {

		@CommandLine.Mixin
		Selection selection = new Selection();

		@Option(names = "--offset", paramLabel = "<partition@offset>",
				description = "only the dead letter at this position of the dead-letter topic (repeatable)")
		java.util.List<String> positions = new ArrayList<>();

		@Option(names = "--dry-run", description = "tell what would be redriven, publish nothing")
		boolean dryRun;

		@CommandLine.Spec
		CommandLine.Model.CommandSpec spec;

		Redrive(CommandContext context, Output output) {
			super(context, output);
		}

		@Override
		public Integer call() {
			for (String position : this.positions) {
				if (!position.matches("[0-9]{1,9}@[0-9]{1,19}")) {
					throw new CommandLine.ParameterException(this.spec.commandLine(),
							"--offset '" + position + "' is not partition@offset, e.g. 0@42");
				}
			}
			DeadLetters.Redrive redrive = new DeadLetters(this.context.sources())
				.redrive(this.selection.filter(this.positions), this.dryRun, this.output.progress("dlt redrive"));
			if (this.selection.json) {
				Map<String, Object> map = new LinkedHashMap<>();
				map.put("dryRun", redrive.dryRun());
				map.put("redriven", redrive.redriven().stream().map(DeadLetterCommands::map).toList());
				map.put("alreadyApplied", redrive.alreadyApplied().stream().map(DeadLetterCommands::map).toList());
				map.put("repeated", redrive.repeated().stream().map(DeadLetterCommands::map).toList());
				map.put("withoutId", redrive.withoutId().stream().map(DeadLetterCommands::map).toList());
				this.output.json(map);
				return Commands.OK;
			}
			this.output.line("%s %s dead letters", redrive.dryRun() ? "dry run: would redrive" : "redriven",
					Text.count(redrive.redriven().size()));
			redrive.redriven().forEach((letter) -> this.output.line("  %s", describe(letter)));
			this.output.line(
					"left alone: %s already applied, %s repeating an event redriven here, %s without an event id",
					Text.count(redrive.alreadyApplied().size()), Text.count(redrive.repeated().size()),
					Text.count(redrive.withoutId().size()));
			return Commands.OK;
		}

	}

	static String describe(DeadLetter letter) {
		return String.format("%s  %s  %s  identity %s  from %s-%s@%s  redrives %d  %s", letter.position(),
				letter.deadLetteredAt(), letter.type(), letter.identityId(), letter.originalTopic(),
				letter.originalPartition(), letter.originalOffset(), letter.redrives(), letter.reason());
	}

	static Map<String, Object> map(DeadLetter letter) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("position", letter.position());
		map.put("deadLetteredAt", letter.deadLetteredAt().toString());
		map.put("eventId", letter.eventId());
		map.put("type", letter.type());
		map.put("identity", letter.identityId());
		map.put("originalTopic", letter.originalTopic());
		map.put("originalPartition", letter.originalPartition());
		map.put("originalOffset", letter.originalOffset());
		map.put("redrives", letter.redrives());
		map.put("reason", letter.reason());
		return map;
	}

}
