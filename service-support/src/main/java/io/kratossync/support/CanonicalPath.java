package io.kratossync.support;

/**
 * The one spelling of a path that both services accept. Every route of kratos-sync is
 * made of segments of letters, digits, {@code -}, {@code _}, {@code .} and {@code ~}; any
 * other spelling (percent-encoding, matrix parameters, dot segments, empty segments from
 * a doubled or trailing slash, backslashes) is refused before any realm or route is
 * matched, so that no two parts of a service can read the same request as two different
 * paths. Letter case is kept as sent: routes match it exactly, and a path in another case
 * matches no realm and no route.
 */
public final class CanonicalPath {

	/** The longest path accepted. */
	public static final int MAX_LENGTH = 2048;

	private CanonicalPath() {
	}

	/**
	 * Why a raw request path is not canonical.
	 * @param rawPath the path as it was sent (not decoded), without the query
	 * @return {@code null} when it is canonical, else a short reason, e.g.
	 * {@code "percent-encoding"}
	 */
	public static String problem(String rawPath) {
		if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
			return "not an absolute path";
		}
		if (rawPath.length() > MAX_LENGTH) {
			return "longer than " + MAX_LENGTH + " characters";
		}
		if (rawPath.length() == 1) {
			return null;
		}
		int segmentStart = 1;
		for (int i = 1; i <= rawPath.length(); i++) {
			char c = (i < rawPath.length()) ? rawPath.charAt(i) : '/';
			if (c == '/') {
				int length = i - segmentStart;
				if (length == 0) {
					return "empty segment (a doubled or trailing slash)";
				}
				if (isDots(rawPath, segmentStart, i)) {
					return "dot segment";
				}
				segmentStart = i + 1;
			}
			else if (c == '%') {
				return "percent-encoding";
			}
			else if (c == ';') {
				return "matrix parameter";
			}
			else if (c == '\\') {
				return "backslash";
			}
			else if (!allowed(c)) {
				return "character not allowed in a path";
			}
		}
		return null;
	}

	private static boolean isDots(String path, int from, int to) {
		for (int i = from; i < to; i++) {
			if (path.charAt(i) != '.') {
				return false;
			}
		}
		return true;
	}

	private static boolean allowed(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
				|| c == '.' || c == '~';
	}

}
