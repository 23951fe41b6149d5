package io.kratossync.worker.cli;

import java.util.concurrent.Callable;

/**
 * A command of the jar: what it runs against (the context, started on first use) and
 * where it writes. Its {@link #call} returns the exit code.
 */
abstract class OperatorCommand implements Callable<Integer> {

	protected final CommandContext context;

	protected final Output output;

	OperatorCommand(CommandContext context, Output output) {
		this.context = context;
		this.output = output;
	}

}
