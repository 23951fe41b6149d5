/**
 * What each event does to the application state: field fencing by the time of the change,
 * the read model, and the handler interface that decorators (the inbox) wrap. Asks for
 * session revocations through {@link io.kratossync.worker.apply.SessionRevocations},
 * which the Kratos outbox implements.
 */
@ApplicationModule(displayName = "Apply", allowedDependencies = {})
package io.kratossync.worker.apply;

import org.springframework.modulith.ApplicationModule;
