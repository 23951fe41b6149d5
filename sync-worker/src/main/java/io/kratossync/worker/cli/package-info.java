/**
 * The operator commands of the worker's jar: {@code replay}, {@code rebuild},
 * {@code reconcile} and {@code dlt}. Each starts a small Spring context (the database and
 * the Kafka settings, nothing of the service), runs once and exits with a code scripts
 * can rely on.
 */
@ApplicationModule(displayName = "Commands", allowedDependencies = { "history::api", "reconcile::api" })
package io.kratossync.worker.cli;

import org.springframework.modulith.ApplicationModule;
