package io.kratossync.events;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class UuidsTests {

	private static final Pattern CANONICAL = Pattern
		.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

	@Test
	void agreesWithTheCanonicalPatternOnMutatedUuids() {
		SplittableRandom random = new SplittableRandom(11);
		String alphabet = "0123456789abcdefABCDEFgG-xz {}";
		for (int i = 0; i < 200_000; i++) {
			char[] text = UUID.randomUUID().toString().toCharArray();
			int changes = random.nextInt(3);
			for (int c = 0; c < changes; c++) {
				text[random.nextInt(text.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
			}
			String candidate = new String(text);
			assertThat(Uuids.isCanonical(candidate)).as(candidate).isEqualTo(CANONICAL.matcher(candidate).matches());
		}
	}

	@Test
	void parsesUpperAndLowerCase() {
		UUID id = UUID.randomUUID();
		assertThat(Uuids.parseStrict(id.toString().toUpperCase())).isEqualTo(id);
		assertThat(Uuids.parseStrict(id.toString())).isEqualTo(id);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "1-1-1-1-1", "3a5293f1f4d649f4b34f6da62c360604", "3a5293f1-f4d6-49f4-b34f-6da62c36060",
			"3a5293f1-f4d6-49f4-b34f-6da62c3606044", "{3a5293f1-f4d6-49f4-b34f-6da62c360604}",
			"3a5293f1-f4d6-49f4-b34f_6da62c360604", "3a5293g1-f4d6-49f4-b34f-6da62c360604" })
	void refusesOddShapes(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> Uuids.parseStrict(text));
	}

	@Test
	void makesTheVersion5UuidOfTheRfc9562TestVector() {
		// RFC 9562 appendix A.4: the DNS namespace and the name "www.example.com"
		UUID dns = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

		UUID v5 = Uuids.v5(dns, "www.example.com".getBytes(StandardCharsets.UTF_8));

		assertThat(v5).isEqualTo(UUID.fromString("2ed6657d-e927-568b-95e1-2665a8aea6a2"));
		assertThat(v5.version()).isEqualTo(5);
		assertThat(v5.variant()).isEqualTo(2);
	}

	@Test
	void derivesAnEventIdThatNeverChanges() {
		// a changed namespace, separator or escape would change every derived id, and
		// duplicates of events
		// published before would no longer be recognised
		assertThat(Uuids.nameBased("settings/password", "9d2f4b1a-6c3e-4f5d-8a7b-2c1d0e9f8a7b",
				"3a5293f1-f4d6-49f4-b34f-6da62c360604", "2026-02-03T08:15:42.512Z"))
			.isEqualTo(UUID.fromString(PINNED));
	}

	private static final String PINNED = "b8cff956-bd38-5117-a0d7-93b8eb45ed3e";

}
