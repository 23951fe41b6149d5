/**
 * Realms of the ingest (webhook, admin, metrics), path firewall, body limit, request
 * metrics and the refusal log.
 */
@ApplicationModule(displayName = "Security", allowedDependencies = { "system::api" })
package io.kratossync.ingest.security;

import org.springframework.modulith.ApplicationModule;
