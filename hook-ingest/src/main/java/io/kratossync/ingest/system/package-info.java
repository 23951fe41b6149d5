/**
 * Configuration of the ingest (environment variables bound to properties).
 */
@ApplicationModule(displayName = "System", allowedDependencies = {})
package io.kratossync.ingest.system;

import org.springframework.modulith.ApplicationModule;
