/**
 * The read API: the stored state of an identity for a trusted service, what the signed-in
 * user must do for that user alone.
 */
@ApplicationModule(displayName = "Read API", allowedDependencies = { "apply::api", "security::api", "system::api" })
package io.kratossync.worker.read;

import org.springframework.modulith.ApplicationModule;
