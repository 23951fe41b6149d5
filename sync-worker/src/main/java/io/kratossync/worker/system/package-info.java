/**
 * Configuration of the worker (environment variables bound to properties) and retention
 * of the inbox and the outbox.
 */
@ApplicationModule(displayName = "System", allowedDependencies = {})
package io.kratossync.worker.system;

import org.springframework.modulith.ApplicationModule;
