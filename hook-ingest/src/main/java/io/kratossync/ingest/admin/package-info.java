/**
 * The admin endpoint: require a password change, with the time Kratos last set the
 * password read from the Kratos Admin API.
 */
@ApplicationModule(displayName = "Admin", allowedDependencies = { "publish::api", "system::api", "web::api" })
package io.kratossync.ingest.admin;

import org.springframework.modulith.ApplicationModule;
