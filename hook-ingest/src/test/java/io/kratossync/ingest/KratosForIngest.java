package io.kratossync.ingest;

import io.kratossync.testing.KratosStub;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Plays Kratos's Admin API for hook-ingest's tests (an admin requirement reads the
 * identity's password time from it): one stub per JVM, whose URL the service reads from a
 * system property set before any context starts.
 */
public final class KratosForIngest implements BeforeAllCallback {

	private static KratosStub stub;

	/**
	 * @return the stub, started on first use
	 */
	public static synchronized KratosStub stub() {
		if (stub == null) {
			stub = KratosStub.start();
			System.setProperty("kratos-sync.ingest.kratos.admin-url", stub.url());
		}
		return stub;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		stub();
	}

}
