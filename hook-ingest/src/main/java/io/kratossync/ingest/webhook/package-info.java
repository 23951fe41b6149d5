/**
 * The Kratos webhook endpoints: hook points, body parsing into events, trigger ids,
 * bounded webhook times.
 */
@ApplicationModule(displayName = "Webhook", allowedDependencies = { "publish::api", "system::api", "web::api" })
package io.kratossync.ingest.webhook;

import org.springframework.modulith.ApplicationModule;
