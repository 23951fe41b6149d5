package io.kratossync.ingest.webhook;

import java.util.HashMap;
import java.util.Map;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a webhook body into a tree that holds only what {@link HookBody} reads: under the
 * root (or under {@code ctx}), the few fields of {@code identity}, {@code flow} and
 * {@code session}. Everything else (ui nodes, credentials, request headers, cookies,
 * traits but the e-mail) is checked for syntax and skipped without being built.
 * {@code HookBody.parse} of this tree is what it would be of the whole tree (a test
 * compares the two), and building only this cut the ingest's CPU per raw Kratos context
 * by about a sixth (README "Performance").
 * <p>
 * A kept field with an unexpected type is kept whole, so that {@code HookBody} reports
 * it; a key given twice keeps its last value, as a whole tree does. Malformed JSON, or
 * anything after the root value, throws.
 */
final class WebhookJson {

	/**
	 * Reads the kept values inside the body; the end of the body is checked once, by
	 * {@link #read(byte[])}.
	 */
	private static final JsonMapper MAPPER = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	/**
	 * What is kept of a value: of an object, the kept names and what is kept of each; of
	 * an array, what is kept of each element; {@link #WHOLE}, all of it (so is a value
	 * whose type is not the expected one).
	 */
	private record Shape(Map<String, Shape> fields, Shape elements) {

		static Shape object(Map<String, Shape> fields) {
			return new Shape(fields, null);
		}

		static Shape arrayOf(Shape elements) {
			return new Shape(null, elements);
		}

	}

	/** All of the value. */
	private static final Shape WHOLE = new Shape(null, null);

	private static final Shape ADDRESS = Shape
		.object(Map.of("value", WHOLE, "via", WHOLE, "verified", WHOLE, "verified_at", WHOLE));

	private static final Shape IDENTITY = Shape
		.object(Map.of("id", WHOLE, "schema_id", WHOLE, "state", WHOLE, "traits", Shape.object(Map.of("email", WHOLE)),
				"verifiable_addresses", Shape.arrayOf(ADDRESS), "created_at", WHOLE, "updated_at", WHOLE));

	private static final Shape CONTEXT = Shape
		.object(Map.of("identity", IDENTITY, "flow", Shape.object(Map.of("id", WHOLE)), "session", Shape.object(
				Map.of("id", WHOLE, "aal", WHOLE, "authenticator_assurance_level", WHOLE, "authenticated_at", WHOLE))));

	/** The root: the context itself, or the context under {@code ctx}. */
	private static final Shape ROOT = root();

	private WebhookJson() {
	}

	private static Shape root() {
		Map<String, Shape> fields = new HashMap<>(CONTEXT.fields());
		fields.put("ctx", CONTEXT);
		return Shape.object(fields);
	}

	/**
	 * Reads the body.
	 * @param body the request body
	 * @return the tree of what {@link HookBody} reads
	 * @throws tools.jackson.core.JacksonException when the body is not one JSON value
	 */
	static JsonNode read(byte[] body) {
		try (JsonParser parser = MAPPER.createParser(body)) {
			if (parser.nextToken() == null) {
				throw new StreamReadException(parser, "no JSON value");
			}
			JsonNode root = read(parser, ROOT);
			if (parser.nextToken() != null) {
				throw new StreamReadException(parser, "content after the JSON value");
			}
			return root;
		}
	}

	/** Reads the value at the parser's current token, kept as the shape says. */
	private static JsonNode read(JsonParser parser, Shape shape) {
		JsonToken token = parser.currentToken();
		if (shape.fields() != null && token == JsonToken.START_OBJECT) {
			ObjectNode object = NODES.objectNode();
			for (String name = parser.nextName(); name != null; name = parser.nextName()) {
				parser.nextToken();
				if (shape.fields().containsKey(name)) {
					object.set(name, read(parser, shape.fields().get(name)));
				}
				else {
					parser.skipChildren();
				}
			}
			return object;
		}
		if (shape.elements() != null && token == JsonToken.START_ARRAY) {
			ArrayNode array = NODES.arrayNode();
			while (parser.nextToken() != JsonToken.END_ARRAY) {
				array.add(read(parser, shape.elements()));
			}
			return array;
		}
		return MAPPER.readTree(parser);
	}

}
