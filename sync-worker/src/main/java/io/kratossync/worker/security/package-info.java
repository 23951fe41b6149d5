/**
 * Realms of the worker (read, end user, metrics), whoami with breaker and cache, path
 * firewall, request accounting.
 */
@ApplicationModule(displayName = "Security", allowedDependencies = { "kratos::api", "system::api" })
package io.kratossync.worker.security;

import org.springframework.modulith.ApplicationModule;
