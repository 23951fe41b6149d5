/**
 * Idempotency as a decorator: the inbox of processed event ids, checked around any event
 * handler.
 */
@ApplicationModule(displayName = "Inbox", allowedDependencies = { "apply::api" })
package io.kratossync.worker.inbox;

import org.springframework.modulith.ApplicationModule;
