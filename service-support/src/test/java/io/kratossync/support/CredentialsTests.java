package io.kratossync.support;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CredentialsTests {

	private final Credentials credentials = new Credentials("X-Key",
			List.of(Secret.valueOf("key-one-0123456789abcdef"), Secret.valueOf("key-two-0123456789abcdef")),
			List.of(Secret.valueOf("kratos:password-0123456789abcdef")));

	@Test
	void acceptsEveryConfiguredKeyInTheHeaderOrAsBearer() {
		assertThat(this.credentials.accepts("key-one-0123456789abcdef", null)).isTrue();
		assertThat(this.credentials.accepts("key-two-0123456789abcdef", null)).isTrue();
		assertThat(this.credentials.accepts(null, "Bearer key-two-0123456789abcdef")).isTrue();
		assertThat(this.credentials.accepts(null, "bearer key-one-0123456789abcdef")).isTrue();
	}

	@Test
	void acceptsBasicOnlyWithTheWholeUserAndPassword() {
		assertThat(this.credentials.accepts(null, basic("kratos:password-0123456789abcdef"))).isTrue();
		assertThat(this.credentials.accepts(null, basic("other:password-0123456789abcdef"))).isFalse();
		assertThat(this.credentials.accepts(null, basic("kratos:password-0123456789abcde"))).isFalse();
		assertThat(this.credentials.accepts(null, "Basic not-base64!")).isFalse();
	}

	@Test
	void refusesWhatIsNotConfigured() {
		assertThat(this.credentials.accepts(null, null)).isFalse();
		assertThat(this.credentials.accepts("", "")).isFalse();
		assertThat(this.credentials.accepts("key-one-0123456789abcde", null)).isFalse();
		assertThat(this.credentials.accepts(null, "key-one-0123456789abcdef")).isFalse();
		assertThat(this.credentials.accepts(null, "Basic " + "key-one-0123456789abcdef")).isFalse();
		assertThat(this.credentials.accepts("x".repeat(Credentials.MAX_PRESENTED_LENGTH + 1), null)).isFalse();
		assertThat(new Credentials("X-Key", List.of(), List.of()).accepts("", null)).isFalse();
	}

	private static String basic(String userAndPassword) {
		return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
	}

}
