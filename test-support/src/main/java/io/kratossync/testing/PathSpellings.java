package io.kratossync.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Other spellings of a path, as an attacker tries them to reach a handler past a check
 * that reads the path differently: percent-encoded letters and slashes, matrix
 * parameters, dot segments (plain and encoded), doubled and trailing slashes,
 * backslashes, other letter case. Only {@link Spelling#sameRequest} spellings (a query
 * string added) are the same request as the canonical path; every other one must never be
 * served as it.
 */
public final class PathSpellings {

	/**
	 * A spelling of a path.
	 *
	 * @param name what it tries, e.g. {@code percent-encoded first letter}
	 * @param target the request target to send
	 * @param sameRequest whether it is the canonical path itself (maybe with a query):
	 * served like it
	 */
	public record Spelling(String name, String target, boolean sameRequest) {
	}

	private PathSpellings() {
	}

	/**
	 * The spellings of a canonical path, the path itself first.
	 * @param path a canonical path of at least two segments, e.g.
	 * {@code /hooks/kratos/settings/password}
	 * @return the spellings
	 */
	public static List<Spelling> of(String path) {
		String[] segments = path.substring(1).split("/");
		String first = segments[0];
		String rest = path.substring(first.length() + 1);
		String last = segments[segments.length - 1];
		String beforeLast = path.substring(0, path.length() - last.length());
		List<Spelling> spellings = new ArrayList<>();
		spellings.add(new Spelling("canonical", path, true));
		spellings.add(new Spelling("canonical with a query", path + "?x=1", true));
		spellings.add(new Spelling("percent-encoded first letter",
				"/" + encode(first.charAt(0)) + first.substring(1) + rest, false));
		spellings.add(new Spelling("percent-encoded letter, upper-case hex",
				"/" + encode(first.charAt(0)).toUpperCase(Locale.ROOT) + first.substring(1) + rest, false));
		spellings.add(new Spelling("percent-encoded last letter",
				beforeLast + last.substring(0, last.length() - 1) + encode(last.charAt(last.length() - 1)), false));
		spellings.add(new Spelling("encoded slash", "/" + first + "%2F" + rest.substring(1), false));
		spellings.add(new Spelling("double-encoded letter",
				"/%25" + Integer.toHexString(first.charAt(0)) + first.substring(1) + rest, false));
		spellings.add(new Spelling("matrix parameter in the first segment", "/" + first + ";a" + rest, false));
		spellings.add(new Spelling("matrix parameter in the last segment", path + ";x=1", false));
		spellings.add(new Spelling("empty matrix parameter", "/" + first + ";" + rest, false));
		spellings.add(new Spelling("dot segment", "/" + first + "/." + rest, false));
		spellings.add(new Spelling("dot-dot segment", "/x/.." + path, false));
		spellings.add(new Spelling("encoded dot-dot segment", "/x/%2e%2e" + path, false));
		spellings.add(new Spelling("trailing dot segment", path + "/.", false));
		spellings.add(new Spelling("double slash at the start", "/" + path, false));
		spellings.add(new Spelling("double slash inside", "/" + first + "/" + rest, false));
		spellings.add(new Spelling("trailing slash", path + "/", false));
		spellings.add(new Spelling("backslashes", path.replace('/', '\\').replaceFirst("^\\\\", "/"), false));
		spellings.add(new Spelling("upper case", path.toUpperCase(Locale.ROOT), false));
		spellings.add(new Spelling("capitalised first segment",
				"/" + Character.toUpperCase(first.charAt(0)) + first.substring(1) + rest, false));
		spellings.add(new Spelling("absolute form", "http://127.0.0.1" + "/" + first + ";a" + rest, false));
		return spellings;
	}

	/**
	 * A random non-canonical spelling of the path, for fuzzing.
	 * @param random the source of randomness
	 * @param path the canonical path
	 * @return a spelling that is not the same request
	 */
	public static String random(Random random, String path) {
		List<Spelling> others = of(path).stream().filter((s) -> !s.sameRequest()).toList();
		return others.get(random.nextInt(others.size())).target();
	}

	private static String encode(char c) {
		return "%" + Integer.toHexString(c);
	}

}
