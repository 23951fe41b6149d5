package io.kratossync.worker.security;

import java.util.UUID;

import org.springframework.modulith.NamedInterface;

/**
 * The caller of the end-user realm: whose Kratos session the request carried, as Kratos's
 * {@code /sessions/whoami} told. A handler answers only about this identity.
 *
 * @param identityId the identity of the session; {@code null} when Kratos wants a second
 * factor first (its 403 does not say whose session it is)
 * @param needsSecondFactor whether Kratos wants a higher authenticator assurance level
 * before it serves the session
 */
@NamedInterface("api")
public record KratosSession(UUID identityId, boolean needsSecondFactor) {
}
