package io.kratossync.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AsyncAPI document describes exactly the topics and event types of the code, with
 * the shipped schemas.
 */
class AsyncApiTests {

	private final JsonNode doc = YAMLMapper.builder().build().readTree(read("asyncapi.yaml"));

	@Test
	void namesTheTopicsOfTheCatalogue() {
		assertThat(this.doc.at("/asyncapi").asString()).isEqualTo("3.0.0");
		assertThat(this.doc.at("/channels/identityEvents/address").asString()).isEqualTo(Topics.IDENTITY_EVENTS.name());
		assertThat(this.doc.at("/channels/identityEventsDeadLetters/address").asString())
			.isEqualTo(Topics.IDENTITY_EVENTS_DLT.name());
	}

	@Test
	void describesEveryEventTypeWithItsShippedSchema() {
		List<String> names = new ArrayList<>();
		for (JsonNode message : this.doc.at("/components/messages")) {
			names.add(message.path("name").asString());
			String schema = message.at("/payload/$ref").asString();
			assertThat(Files.exists(Path.of(schema))).as(schema).isTrue();
			assertThat(schema).endsWith(message.path("name").asString() + ".json");
		}
		assertThat(names)
			.containsExactlyInAnyOrder(Arrays.stream(EventType.values()).map(EventType::ceType).toArray(String[]::new));
		assertThat(this.doc.at("/channels/identityEvents/messages").size()).isEqualTo(EventType.values().length);
	}

	private static String read(String file) {
		try {
			return Files.readString(Path.of(file));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
