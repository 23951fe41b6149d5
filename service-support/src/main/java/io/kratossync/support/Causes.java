package io.kratossync.support;

/**
 * One way to say in a log line why something failed: the innermost cause, its type and
 * message.
 */
public final class Causes {

	private Causes() {
	}

	/**
	 * The innermost cause of a failure.
	 * @param failure the failure
	 * @return its root cause, or the failure itself when it has none
	 */
	public static Throwable root(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root;
	}

	/**
	 * {@code SimpleClassName: message} of the root cause.
	 * @param failure the failure
	 * @return the one-line description
	 */
	public static String describeRoot(Throwable failure) {
		Throwable root = root(failure);
		return root.getClass().getSimpleName() + ((root.getMessage() != null) ? ": " + root.getMessage() : "");
	}

}
