package io.kratossync.support;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * Builds the RFC 9457 problem documents of hook-ingest, so each failure class has one
 * type URI and title.
 */
public final class Problems {

	private static final String BASE = "https://kratos-sync.dev/problems/";

	private Problems() {
	}

	/**
	 * 413: the request body is larger than the service accepts.
	 * @param limitBytes the limit
	 * @return the problem
	 */
	public static ProblemDetail bodyTooLarge(long limitBytes) {
		return of(HttpStatus.CONTENT_TOO_LARGE, "body-too-large", "The request body is too large",
				"The body exceeds the limit of " + limitBytes + " bytes");
	}

	/**
	 * A problem of the given kind.
	 * @param status the HTTP status
	 * @param kind the last segment of the type URI, e.g. {@code unauthenticated}
	 * @param title a short summary that does not change between occurrences
	 * @param detail what went wrong this time
	 * @return the problem
	 */
	public static ProblemDetail of(HttpStatus status, String kind, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(BASE + kind));
		problem.setTitle(title);
		return problem;
	}

}
