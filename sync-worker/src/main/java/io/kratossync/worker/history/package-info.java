/**
 * The topic as history: replay of some identities, a rebuild of all application state
 * into a fresh schema, and the redrive of dead letters. Each reads the topic with a
 * consumer of its own and recomputes state with the live handlers, fences and inbox,
 * without side effects: it never writes the outbox and never calls Kratos.
 */
@ApplicationModule(displayName = "History", allowedDependencies = { "apply::api", "consume::api", "inbox::api" })
package io.kratossync.worker.history;

import org.springframework.modulith.ApplicationModule;
