package io.kratossync.worker.cli;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.kratossync.events.EventEnvelope;
import io.kratossync.support.Secret;
import io.kratossync.worker.reconcile.ReconcileProperties;
import io.kratossync.worker.reconcile.Reconciler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "reconcile", mixinStandardHelpOptions = true, sortOptions = false,
		description = { "Sweeps Kratos's identities (GET /admin/identities, at most RECONCILE_REQUESTS_PER_SECOND) "
				+ "once, compares each with the stored state and publishes an event for each drift: created, "
				+ "updated, state_changed, deleted (a stored identity Kratos no longer has, confirmed by a GET). "
				+ "The running workers apply them like any other event.",
				"With --dry-run prints the drift and publishes nothing. Waits when another worker sweeps." },
		footer = { "", "Exit codes: 0 done (or no drift), 1 failed, 2 wrong usage, 3 --dry-run found drift." })
final class ReconcileCommand extends OperatorCommand {

	@Option(names = "--once", description = "one sweep (the only mode of the command; the schedule is "
			+ "RECONCILE_INTERVAL in the service)")
	boolean once;

	@Option(names = "--dry-run", description = "print the drift, publish nothing")
	boolean dryRun;

	@Option(names = "--json", description = "write the result as JSON")
	boolean json;

	ReconcileCommand(CommandContext context, Output output) {
		super(context, output);
	}

	@Override
	public Integer call() throws InterruptedException {
		CommandContext.Kratos kratos = this.context.kratos();
		Reconciler reconciler = Reconciler.forCommand(this.context.sources().dataSource(),
				this.context.sources().producer(), URI.create(kratos.adminUrl()), Secret.valueOf(kratos.adminToken()),
				Duration.ofSeconds(5), this.context.bind("kratos-sync.worker.reconcile", ReconcileProperties.class),
				new SimpleMeterRegistry());
		List<EventEnvelope> drift = new CopyOnWriteArrayList<>();
		Reconciler.Result result = reconciler.sweep(this.dryRun, drift::add);
		if (!result.ran()) {
			throw new IllegalStateException(
					"another worker is sweeping Kratos's identities; try again when it is done");
		}
		int code = (this.dryRun && result.total() > 0) ? Commands.DIFFERENT : Commands.OK;
		if (this.json) {
			Map<String, Object> map = new LinkedHashMap<>();
			map.put("dryRun", this.dryRun);
			map.put("checked", result.checked());
			map.put("drift", result.drift());
			map.put("events",
					drift.stream()
						.map((e) -> Map.of("type", e.type().ceType(), "identity", e.subject().toString(), "id",
								e.id().toString()))
						.toList());
			map.put("took", Output.seconds(result.duration()));
			map.put("exitCode", code);
			this.output.json(map);
			return code;
		}
		for (EventEnvelope event : drift) {
			this.output.line("%s %s %s (event %s)", this.dryRun ? "would publish" : "published", event.type().ceType(),
					event.subject(), event.id());
		}
		this.output.line("reconcile%s: %s identities checked in %s, drift %s%s", this.dryRun ? " (dry run)" : "",
				Text.count(result.checked()), Text.took(result.duration()),
				result.drift().isEmpty() ? "none" : result.drift(), result.resumed() ? " (resumed a sweep)" : "");
		return code;
	}

}
