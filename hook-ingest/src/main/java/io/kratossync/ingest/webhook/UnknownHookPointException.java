package io.kratossync.ingest.webhook;

/**
 * A webhook URL that names no hook point this service maps; answered 404.
 */
class UnknownHookPointException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	UnknownHookPointException(String flow, String method) {
		super("no Kratos hook point " + flow + ((method != null) ? "/" + method : "") + " is handled here");
	}

}
