package io.kratossync.worker.api;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.kratossync.events.Uuids;
import io.kratossync.support.Problems;
import io.kratossync.worker.apply.UserSettings;
import io.kratossync.worker.apply.UserSettingsRepository;
import io.kratossync.worker.system.WorkerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application's read API: the stored state of an identity, and what the signed-in user must do before going
 * on (the backend half of a frontend's {@code checkRequiredActions}).
 */
@RestController
class ReadApiController {

	private static final Logger log = LoggerFactory.getLogger(ReadApiController.class);

	/**
	 * The answer of {@code /api/me/required-actions}.
	 *
	 * @param requiredActions what the user must do: {@code change_password}, {@code aal2}; empty when nothing
	 * @param settingsUrl where to send the user to change the password (when {@code change_password})
	 * @param loginUrl where to send the user for a second factor (when {@code aal2})
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record RequiredActions(@JsonProperty("required_actions") List<String> requiredActions,
			@JsonProperty("settings_url") String settingsUrl, @JsonProperty("login_url") String loginUrl) {
	}

	private final UserSettingsRepository settings;

	private final KratosSessions sessions;

	private final WorkerProperties.Kratos kratos;

	ReadApiController(UserSettingsRepository settings, KratosSessions sessions, WorkerProperties properties) {
		this.settings = settings;
		this.sessions = sessions;
		this.kratos = properties.kratos();
	}

	@GetMapping("/api/identities/{id}/settings")
	ResponseEntity<?> settings(@PathVariable String id) {
		UUID identityId;
		try {
			identityId = Uuids.parseStrict(id);
		}
		catch (IllegalArgumentException ex) {
			return problem(Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-identity-id", "Not an identity id",
					"The identity id in the path must be a UUID"));
		}
		return this.settings.find(identityId)
			.<ResponseEntity<?>>map(ResponseEntity::ok)
			.orElseGet(() -> problem(Problems.of(HttpStatus.NOT_FOUND, "unknown-identity", "Unknown identity",
					"No event about identity " + identityId + " has been applied")));
	}

	@GetMapping("/api/me/required-actions")
	ResponseEntity<?> requiredActions(@CookieValue(name = "${kratos-sync.worker.kratos.session-cookie-name:ory_kratos_session}",
			required = false) String sessionCookie,
			@RequestHeader(name = "X-Session-Token", required = false) String sessionToken) {
		if (sessionCookie == null && sessionToken == null) {
			return unauthenticated();
		}
		KratosSessions.Verdict verdict = this.sessions.whoami(sessionCookie, sessionToken);
		if (verdict instanceof KratosSessions.Verdict.Active active) {
			boolean mustChange = this.settings.find(active.identityId())
				.map(UserSettings::forcePasswordChange)
				.orElse(false);
			return ResponseEntity.ok(mustChange
					? new RequiredActions(List.of("change_password"), this.kratos.effectiveSettingsUrl().toString(), null)
					: new RequiredActions(List.of(), null, null));
		}
		if (verdict instanceof KratosSessions.Verdict.NeedsSecondFactor) {
			return ResponseEntity.ok(new RequiredActions(List.of("aal2"), null, this.kratos.aal2LoginUrl().toString()));
		}
		if (verdict instanceof KratosSessions.Verdict.Unavailable unavailable) {
			log.warn("Cannot validate a session: Kratos at {} unavailable ({})", this.kratos.publicUrl(),
					unavailable.detail());
			return problem(Problems.of(HttpStatus.BAD_GATEWAY, "kratos-unavailable", "Kratos is unavailable",
					"The session could not be validated with Kratos; retry later"));
		}
		return unauthenticated();
	}

	private static ResponseEntity<?> unauthenticated() {
		return problem(Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated", "No valid Kratos session",
				"Send the Kratos session cookie or the X-Session-Token header of an active session"));
	}

	private static ResponseEntity<?> problem(ProblemDetail problem) {
		return ResponseEntity.status(problem.getStatus())
			.contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem);
	}

}
