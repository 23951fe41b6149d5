/**
 * Anti-entropy against Kratos's Admin API, for teams that cannot read Kratos's database:
 * a rate-limited, resumable sweep of {@code GET /admin/identities} that compares every
 * identity with the stored state and publishes the events for the drift it finds
 * (created, updated, state changed, deleted), one sweep at a time across workers.
 */
@ApplicationModule(displayName = "Reconcile", allowedDependencies = { "kratos::api", "system::api" })
package io.kratossync.worker.reconcile;

import org.springframework.modulith.ApplicationModule;
