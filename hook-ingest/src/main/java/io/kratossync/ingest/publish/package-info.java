/**
 * Publishing to Kafka: an answer only once the broker acknowledged, fail-fast during an
 * outage, summarised failures, the topic created with its policy.
 */
@ApplicationModule(displayName = "Publish", allowedDependencies = { "system::api" })
package io.kratossync.ingest.publish;

import org.springframework.modulith.ApplicationModule;
