package io.kratossync.support;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class CredentialPolicyTests {

	private static Credentials keys(String... keys) {
		return new Credentials("X-Key", List.of(keys).stream().map(Secret::valueOf).toList(), List.of());
	}

	@Test
	void acceptsLongRandomKeysOfDistinctRealms() {
		CredentialPolicy policy = new CredentialPolicy().realm("WEBHOOK_API_KEYS", keys("6hX2v0M1r9QeLq3Zt8Yb4NwKjU"))
			.realm("ADMIN_API_KEYS", keys("Pq7Rz2Lm9Xc4Vb8Nn1Ws5Tk3Hy"));

		assertThat(policy.problems()).isEmpty();
		assertThat(policy.enforce(false)).isEmpty();
	}

	@Test
	void refusesTheShippedExamplesNamingTheSettingButNotTheValue() {
		CredentialPolicy policy = new CredentialPolicy().realm("WEBHOOK_API_KEYS", keys("change-me-webhook-key"))
			.realm("ADMIN_API_KEYS", keys("local-admin-key"));

		assertThatIllegalStateException().isThrownBy(() -> policy.enforce(false))
			.withMessageContaining("WEBHOOK_API_KEYS (value 1) is an example value shipped with kratos-sync")
			.withMessageContaining("ADMIN_API_KEYS (value 1) is an example value shipped with kratos-sync")
			.withMessageContaining("openssl rand")
			.withMessageNotContaining("change-me-webhook-key")
			.withMessageNotContaining("local-admin-key");
	}

	@Test
	void refusesShortKeysAndShortBasicPasswords() {
		CredentialPolicy policy = new CredentialPolicy().realm("READ_API_KEYS", keys("short-key"))
			.realm("WEBHOOK_BASIC_CREDENTIALS",
					new Credentials("X-Key", List.of(), List.of(Secret.valueOf("a-rather-long-user-name-here:short"),
							Secret.valueOf("no-colon-at-all-0123456789"))));

		assertThat(policy.problems()).containsExactly(
				"READ_API_KEYS (value 1) has 9 characters; at least 24 are needed",
				"WEBHOOK_BASIC_CREDENTIALS (value 1) has 5 characters of password; at least 24 are needed",
				"WEBHOOK_BASIC_CREDENTIALS (value 2) is not user:password");
	}

	@Test
	void refusesOneValueInTwoRealms() {
		CredentialPolicy policy = new CredentialPolicy().realm("WEBHOOK_API_KEYS", keys("6hX2v0M1r9QeLq3Zt8Yb4NwKjU"))
			.realm("ADMIN_API_KEYS", keys("6hX2v0M1r9QeLq3Zt8Yb4NwKjU"));

		assertThat(policy.problems()).containsExactly("ADMIN_API_KEYS (value 1) is also a credential of "
				+ "WEBHOOK_API_KEYS: a credential of one realm must not open another");
	}

	@Test
	void toleratesExamplesOnTheLocalStackAndSaysWhich() {
		CredentialPolicy policy = new CredentialPolicy().realm("WEBHOOK_API_KEYS", keys("local-webhook-key"));

		assertThat(policy.enforce(true))
			.containsExactly("WEBHOOK_API_KEYS (value 1) is an example value shipped with kratos-sync");
	}

}
