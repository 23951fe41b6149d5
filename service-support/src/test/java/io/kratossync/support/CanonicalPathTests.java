package io.kratossync.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CanonicalPathTests {

	@Test
	void acceptsTheDocumentedPaths() {
		assertThat(CanonicalPath.problem("/")).isNull();
		assertThat(CanonicalPath.problem("/hooks/kratos/settings/lookup_secret")).isNull();
		assertThat(CanonicalPath
			.problem("/admin/identities/3A5293F1-f4d6-49f4-b34f-6da62c360604/password-change-required")).isNull();
		assertThat(CanonicalPath.problem("/actuator/health/readiness")).isNull();
		assertThat(CanonicalPath.problem("/a.b/c~d")).isNull();
	}

	@Test
	void refusesEveryOtherSpelling() {
		assertThat(CanonicalPath.problem("/%68ooks/kratos")).isEqualTo("percent-encoding");
		assertThat(CanonicalPath.problem("/hooks%2Fkratos")).isEqualTo("percent-encoding");
		assertThat(CanonicalPath.problem("/admin;a/identities")).isEqualTo("matrix parameter");
		assertThat(CanonicalPath.problem("/admin/x;")).isEqualTo("matrix parameter");
		assertThat(CanonicalPath.problem("/x/../admin")).isEqualTo("dot segment");
		assertThat(CanonicalPath.problem("/admin/./x")).isEqualTo("dot segment");
		assertThat(CanonicalPath.problem("/admin/x/.")).isEqualTo("dot segment");
		assertThat(CanonicalPath.problem("/admin/x/..")).isEqualTo("dot segment");
		assertThat(CanonicalPath.problem("//admin")).isEqualTo("empty segment (a doubled or trailing slash)");
		assertThat(CanonicalPath.problem("/admin//x")).isEqualTo("empty segment (a doubled or trailing slash)");
		assertThat(CanonicalPath.problem("/admin/")).isEqualTo("empty segment (a doubled or trailing slash)");
		assertThat(CanonicalPath.problem("/admin\\x")).isEqualTo("backslash");
		assertThat(CanonicalPath.problem("/admin x")).isEqualTo("character not allowed in a path");
		assertThat(CanonicalPath.problem("/admin\u00e9")).isEqualTo("character not allowed in a path");
		assertThat(CanonicalPath.problem("admin")).isEqualTo("not an absolute path");
		assertThat(CanonicalPath.problem("")).isEqualTo("not an absolute path");
		assertThat(CanonicalPath.problem(null)).isEqualTo("not an absolute path");
		assertThat(CanonicalPath.problem("/" + "a".repeat(CanonicalPath.MAX_LENGTH))).startsWith("longer than");
	}

	@Test
	void aNameWithDotsIsNotADotSegment() {
		assertThat(CanonicalPath.problem("/a/.x")).isNull();
		assertThat(CanonicalPath.problem("/a/..x")).isNull();
		assertThat(CanonicalPath.problem("/a/x..")).isNull();
	}

}
