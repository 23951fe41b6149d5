package io.kratossync.worker.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;

import org.springframework.modulith.NamedInterface;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The operator commands of the worker's jar
 * ({@code java -jar sync-worker.jar <command>}). Exit codes: {@value #OK} done;
 * {@value #FAILED} failed (the reason on standard error); {@value #USAGE} wrong usage;
 * {@value #DIFFERENT} done, and the stored state is not what history says (a dry run or a
 * comparison). Results on standard output (text, or JSON with {@code --json}); progress
 * and logs on standard error.
 */
@NamedInterface("api")
public final class Commands {

	/** Done. */
	public static final int OK = 0;

	/** Failed: the reason is on standard error. */
	public static final int FAILED = 1;

	/** Wrong usage: the help is on standard error. */
	public static final int USAGE = 2;

	/** Done, and the stored state differs from what history says. */
	public static final int DIFFERENT = 3;

	private static final Set<String> NAMES = Set.of("replay", "rebuild", "dlt");

	@Command(name = "java -jar sync-worker.jar", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
			versionProvider = Version.class,
			description = { "kratos-sync's worker. Without a command it runs the service; with one, it runs that "
					+ "command once against the service's database and topic (same configuration, e.g. DATABASE_URL, "
					+ "KAFKA_BOOTSTRAP_SERVERS) and exits." },
			footer = { "", "Exit codes: 0 done, 1 failed, 2 wrong usage, 3 the stored state differs from history." })
	static final class Root implements Runnable {

		@CommandLine.Spec
		CommandLine.Model.CommandSpec spec;

		@Override
		public void run() {
			throw new CommandLine.ParameterException(this.spec.commandLine(), "name a command");
		}

	}

	/** The version of the jar. */
	static final class Version implements CommandLine.IVersionProvider {

		@Override
		public String[] getVersion() {
			String version = Commands.class.getPackage().getImplementationVersion();
			return new String[] { "sync-worker " + ((version != null) ? version : "(development build)") };
		}

	}

	/**
	 * @return the command's name as typed, e.g. {@code dlt list}
	 */
	private static String name(CommandLine commandLine) {
		String root = commandLine.getCommandSpec().root().qualifiedName();
		return commandLine.getCommandSpec().qualifiedName(" ").substring(root.length()).trim();
	}

	private Commands() {
	}

	/**
	 * @param args the arguments of the jar
	 * @return whether they name a command (and not the service)
	 */
	public static boolean isCommand(String[] args) {
		return args.length > 0 && (NAMES.contains(args[0]) || args[0].equals("--help") || args[0].equals("-h"));
	}

	/**
	 * Runs a command as the jar's main does and exits with its code. Logs go to standard
	 * error, at WARN, so that standard output holds the result alone.
	 * @param args the arguments
	 */
	public static void main(String[] args) {
		System.setProperty("logging.config", "classpath:command-logback.xml");
		System.exit(run(args, System.out, System.err, Map.of()));
	}

	/**
	 * Runs a command.
	 * @param args the arguments, the command first
	 * @param out where the result goes
	 * @param err where progress, errors and usage go
	 * @param settings settings that come before every other source (e.g.
	 * {@code spring.datasource.url})
	 * @return the exit code
	 */
	public static int run(String[] args, PrintStream out, PrintStream err, Map<String, Object> settings) {
		try (CommandContext context = new CommandContext(settings)) {
			Output output = new Output(out, err, context);
			CommandLine line = new CommandLine(new Root());
			line.addSubcommand("replay", new ReplayCommand(context, output));
			line.addSubcommand("rebuild", new RebuildCommand(context, output));
			line.addSubcommand("reconcile", new ReconcileCommand(context, output));
			line.addSubcommand(new CommandLine(new DeadLetterCommands())
				.addSubcommand("list", new DeadLetterCommands.List(context, output))
				.addSubcommand("redrive", new DeadLetterCommands.Redrive(context, output)));
			line.setOut(new PrintWriter(out, true));
			line.setErr(new PrintWriter(err, true));
			line.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
				err.println(name(commandLine) + ": failed: " + Output.reason(ex));
				return FAILED;
			});
			line.setParameterExceptionHandler((ex, parsed) -> {
				err.println(ex.getMessage());
				ex.getCommandLine().usage(err);
				return USAGE;
			});
			return line.execute(args);
		}
	}

}
