package io.kratossync.support;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses credentials that are unsafe to run with: the example values shipped with
 * kratos-sync (compose file, Kratos config, local stack), values shorter than
 * {@link #MIN_LENGTH}, and one value shared by two realms (it would let a credential of
 * one realm open the other). Outside a local trial stack a service does not start with
 * them; the message names each setting and what is wrong with it, never the value.
 */
public final class CredentialPolicy {

	/**
	 * The fewest characters of a key or of a Basic password: 24 characters of base64 are
	 * 144 random bits.
	 */
	public static final int MIN_LENGTH = 24;

	/** The setting that lets the local trial stack run with its printed example keys. */
	public static final String ALLOW_EXAMPLES_SETTING = "ALLOW_EXAMPLE_CREDENTIALS";

	private static final Set<String> LOCAL_STACK_VALUES = Set.of("local-webhook-key", "local-admin-key",
			"local-read-key", "local-metrics-key");

	private static final Logger log = LoggerFactory.getLogger(CredentialPolicy.class);

	private final Map<String, Credentials> realms = new LinkedHashMap<>();

	private final Map<String, String> optional = new LinkedHashMap<>();

	/**
	 * Adds the credentials of a realm.
	 * @param setting how an operator sets them, e.g.
	 * {@code WEBHOOK_API_KEYS / WEBHOOK_BASIC_CREDENTIALS}
	 * @param credentials the credentials
	 * @return this
	 */
	public CredentialPolicy realm(String setting, Credentials credentials) {
		this.realms.put(setting, credentials);
		return this;
	}

	/**
	 * Adds the credentials of a realm that may be left without any: it then opens to
	 * nobody, with a warning.
	 * @param setting how an operator sets them
	 * @param credentials the credentials
	 * @param routes what the realm opens, for the warning, e.g.
	 * {@code /api/identities/**}
	 * @return this
	 */
	public CredentialPolicy optionalRealm(String setting, Credentials credentials, String routes) {
		this.optional.put(setting, routes);
		return realm(setting, credentials);
	}

	/**
	 * What is wrong with the configured credentials.
	 * @return one line per problem; empty when none
	 */
	public List<String> problems() {
		List<String> problems = new ArrayList<>();
		Map<String, String> owners = new HashMap<>();
		this.realms.forEach((setting, credentials) -> {
			int index = 0;
			for (Secret secret : credentials.all()) {
				index++;
				String which = setting + " (value " + index + ")";
				boolean basic = index > credentials.apiKeys().size();
				String secretPart = basic ? passwordOf(secret.reveal()) : secret.reveal();
				if (isExample(secret.reveal())) {
					problems.add(which + " is an example value shipped with kratos-sync");
				}
				else if (secretPart == null) {
					problems.add(which + " is not user:password");
				}
				else if (secretPart.length() < MIN_LENGTH) {
					problems.add(which + " has " + secretPart.length() + " characters" + (basic ? " of password" : "")
							+ "; at least " + MIN_LENGTH + " are needed");
				}
				String owner = owners.putIfAbsent(secret.reveal(), setting);
				if (owner != null && !owner.equals(setting)) {
					problems.add(which + " is also a credential of " + owner
							+ ": a credential of one realm must not open another");
				}
			}
		});
		return problems;
	}

	/**
	 * Refuses to go on when a credential is unsafe, unless examples are allowed (the
	 * local trial stack), in which case the problems are only returned for a warning.
	 * @param allowExamples whether {@link #ALLOW_EXAMPLES_SETTING} is true
	 * @return the problems tolerated (empty unless examples are allowed)
	 * @throws IllegalStateException naming every problem, when examples are not allowed
	 */
	public List<String> enforce(boolean allowExamples) {
		List<String> problems = problems();
		if (!problems.isEmpty() && !allowExamples) {
			throw new IllegalStateException("Refusing to start with unsafe credentials: " + String.join("; ", problems)
					+ ". Generate each with e.g. `openssl rand -base64 32`. (A local trial stack may set "
					+ ALLOW_EXAMPLES_SETTING + "=true.)");
		}
		for (String tolerated : problems) {
			log.warn("Unsafe credential tolerated because {}=true (local trial stack only): {}", ALLOW_EXAMPLES_SETTING,
					tolerated);
		}
		this.optional.forEach((setting, routes) -> {
			if (this.realms.get(setting).isEmpty()) {
				log.warn("No {} configured: {} opens to nobody", setting, routes);
			}
		});
		return problems;
	}

	/**
	 * Whether a value is one of those shipped as examples.
	 * @param value the value
	 * @return whether it is an example
	 */
	static boolean isExample(String value) {
		String lower = value.toLowerCase(Locale.ROOT);
		return lower.contains("change-me") || lower.contains("changeme") || LOCAL_STACK_VALUES.contains(value)
				|| LOCAL_STACK_VALUES.stream().anyMatch((local) -> lower.endsWith(":" + local));
	}

	private static String passwordOf(String basic) {
		int colon = basic.indexOf(':');
		return (colon > 0) ? basic.substring(colon + 1) : null;
	}

}
