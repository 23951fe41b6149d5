package io.kratossync.support;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretTests {

	@Test
	void neverShowsItselfAsText() {
		Secret secret = Secret.valueOf("s3cr3t-value");

		assertThat(secret.toString()).isEqualTo("******");
		assertThat(String.valueOf(List.of(secret))).doesNotContain("s3cr3t");
	}

	@Test
	void matchesOnlyTheExactValue() {
		Secret secret = Secret.valueOf("s3cr3t-value");

		assertThat(secret.matches("s3cr3t-value")).isTrue();
		assertThat(secret.matches("s3cr3t-valu")).isFalse();
		assertThat(secret.matches("s3cr3t-value ")).isFalse();
		assertThat(secret.matches("")).isFalse();
		assertThat(secret.matches(null)).isFalse();
	}

	@Test
	void aBlankValueIsNoSecretAndMatchesNothing() {
		assertThat(Secret.valueOf("  ").isPresent()).isFalse();
		assertThat(Secret.valueOf("").matches("")).isFalse();
		assertThat(Secret.NONE.matches(null)).isFalse();
	}

}
