/**
 * What the endpoints answer: the accepted document, and every failure as
 * {@code application/problem+json}.
 */
@ApplicationModule(displayName = "Web", allowedDependencies = { "publish::api", "system::api" })
package io.kratossync.ingest.web;

import org.springframework.modulith.ApplicationModule;
