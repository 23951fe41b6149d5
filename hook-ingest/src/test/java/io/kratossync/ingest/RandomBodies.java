package io.kratossync.ingest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Random webhook bodies, mostly near-valid ones, for the fuzz tests. */
public final class RandomBodies {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private RandomBodies() {
	}

	/**
	 * A body: most often a valid one with a few nodes changed, else random bytes, a
	 * truncated body, a deeply nested one, a JSON string, or one with a huge value.
	 * @param random the source of randomness (seeded, so that a case can be replayed)
	 * @param valid a valid body
	 * @return the body
	 */
	public static byte[] body(Random random, JsonNode valid) {
		return switch (random.nextInt(10)) {
			case 0 -> randomBytes(random, random.nextInt(2000));
			case 1 -> truncate(random, JSON.writeValueAsBytes(valid));
			case 2 -> deeplyNested(random.nextInt(3000) + 1);
			case 3 -> JSON.writeValueAsBytes(JsonNodeFactory.instance.textNode(randomString(random, 20)));
			case 4 -> JSON.writeValueAsBytes(mutate(random, valid.deepCopy(), "x".repeat(random.nextInt(300_000))));
			default -> JSON.writeValueAsBytes(mutate(random, valid.deepCopy(), null));
		};
	}

	/**
	 * Changes a few nodes of the tree: removes, retypes, or replaces them with odd
	 * values.
	 */
	private static JsonNode mutate(Random random, JsonNode root, String huge) {
		int mutations = random.nextInt(4);
		for (int m = 0; m < mutations; m++) {
			ObjectNode parent = randomObject(random, root);
			if (parent == null || parent.isEmpty()) {
				continue;
			}
			List<String> names = List.copyOf(parent.propertyNames());
			String name = names.get(random.nextInt(names.size()));
			switch (random.nextInt(8)) {
				case 0 -> parent.remove(name);
				case 1 -> parent.putNull(name);
				case 2 -> parent.put(name, random.nextLong());
				case 3 -> parent.put(name, random.nextBoolean());
				case 4 -> parent.put(name, randomString(random, 50));
				case 5 -> parent.put(name, (huge != null) ? huge : randomString(random, 5000));
				case 6 -> parent.set(name, JsonNodeFactory.instance.arrayNode().add(randomString(random, 10)));
				default -> parent.put(name, "00000000-0000-0000-0000-000000000000");
			}
		}
		if (random.nextInt(4) == 0 && root instanceof ObjectNode object) {
			object.put("unknown_" + random.nextInt(100), randomString(random, 30));
		}
		return root;
	}

	private static ObjectNode randomObject(Random random, JsonNode node) {
		ObjectNode found = (node instanceof ObjectNode object) ? object : null;
		for (JsonNode child : node) {
			if ((child.isObject() || child.isArray()) && random.nextInt(3) == 0) {
				ObjectNode deeper = randomObject(random, child);
				if (deeper != null) {
					found = deeper;
				}
			}
		}
		return found;
	}

	private static byte[] deeplyNested(int depth) {
		String json = "{\"identity\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
		return json.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] truncate(Random random, byte[] json) {
		byte[] cut = new byte[random.nextInt(json.length)];
		System.arraycopy(json, 0, cut, 0, cut.length);
		return cut;
	}

	private static byte[] randomBytes(Random random, int length) {
		byte[] bytes = new byte[length];
		random.nextBytes(bytes);
		return bytes;
	}

	private static String randomString(Random random, int maxLength) {
		int length = random.nextInt(maxLength + 1);
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			text.append((char) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(0x3000)));
		}
		return text.toString();
	}

}
