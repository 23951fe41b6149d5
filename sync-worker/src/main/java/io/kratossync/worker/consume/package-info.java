/**
 * The Kafka consumer: one transaction per poll with the offsets stored beside the state,
 * the handler behind the inbox check, error classification, back-off and dead-lettering.
 */
@ApplicationModule(displayName = "Consume", allowedDependencies = { "apply::api", "inbox::api", "system::api" })
package io.kratossync.worker.consume;

import org.springframework.modulith.ApplicationModule;
