/**
 * The outbox of Kratos Admin API calls and its executor: leases, retries, breakers, the
 * Admin API client and its health.
 */
@ApplicationModule(displayName = "Kratos", allowedDependencies = { "apply::api", "system::api" })
package io.kratossync.worker.kratos;

import org.springframework.modulith.ApplicationModule;
