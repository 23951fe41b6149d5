package io.kratossync.events;

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

}
