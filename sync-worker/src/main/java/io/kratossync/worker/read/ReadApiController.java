package io.kratossync.worker.read;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.kratossync.events.Uuids;
import io.kratossync.support.Problems;
import io.kratossync.worker.apply.UserSettings;
import io.kratossync.worker.apply.UserSettingsRepository;
import io.kratossync.worker.security.KratosSession;
import io.kratossync.worker.system.WorkerProperties;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application's read API: the stored state of an identity, for a trusted service
 * (read realm), and what the signed-in user must do before going on, for that user alone
 * (end-user realm: the backend half of a frontend's {@code checkRequiredActions}). Who
 * may call what is decided before these handlers run; both answer with
 * {@code Cache-Control: no-store}, as they carry personal data.
 */
@RestController
class ReadApiController {

	/**
	 * The answer of {@code /api/me/required-actions}.
	 *
	 * @param requiredActions what the user must do: {@code change_password},
	 * {@code aal2}; empty when nothing
	 * @param settingsUrl where to send the user to change the password (when
	 * {@code change_password})
	 * @param loginUrl where to send the user for a second factor (when {@code aal2})
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record RequiredActions(@JsonProperty("required_actions") List<String> requiredActions,
			@JsonProperty("settings_url") String settingsUrl, @JsonProperty("login_url") String loginUrl) {
	}

	private final UserSettingsRepository settings;

	private final WorkerProperties.Kratos kratos;

	ReadApiController(UserSettingsRepository settings, WorkerProperties properties) {
		this.settings = settings;
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
			.<ResponseEntity<?>>map((found) -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(found))
			.orElseGet(() -> this.settings.deletedAt(identityId)
				.<ResponseEntity<?>>map(
						(at) -> problem(Problems.of(HttpStatus.NOT_FOUND, "deleted-identity", "Deleted identity",
								"Identity " + identityId + " was deleted in Kratos (" + at
										+ "); what the application kept of it was erased")))
				.orElseGet(() -> problem(Problems.of(HttpStatus.NOT_FOUND, "unknown-identity", "Unknown identity",
						"No event about identity " + identityId + " has been applied"))));
	}

	@GetMapping("/api/me/required-actions")
	ResponseEntity<RequiredActions> requiredActions(@AuthenticationPrincipal KratosSession session) {
		RequiredActions actions;
		if (session.needsSecondFactor()) {
			actions = new RequiredActions(List.of("aal2"), null, this.kratos.aal2LoginUrl().toString());
		}
		else if (this.settings.find(session.identityId()).map(UserSettings::forcePasswordChange).orElse(false)) {
			actions = new RequiredActions(List.of("change_password"), this.kratos.effectiveSettingsUrl().toString(),
					null);
		}
		else {
			actions = new RequiredActions(List.of(), null, null);
		}
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(actions);
	}

	private static ResponseEntity<?> problem(ProblemDetail problem) {
		return ResponseEntity.status(problem.getStatus())
			.cacheControl(CacheControl.noStore())
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem);
	}

}
