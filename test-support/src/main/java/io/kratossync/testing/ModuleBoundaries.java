package io.kratossync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.springframework.modulith.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.core.NamedInterface;
import org.springframework.modulith.docs.Documenter;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The rules a service's packages live by, checked by each service's
 * {@code ModuleBoundaryTests}:
 * <ul>
 * <li>each direct sub-package of the application's package is a module (Spring Modulith),
 * and declares in its {@code package-info.java} the modules it may use, each through its
 * {@value #API} interface only: the types marked {@code @NamedInterface("api")}. A module
 * without the declaration, open, or reaching past another's API fails;</li>
 * <li>no cycles between modules, nor between any packages below them;</li>
 * <li>a declared dependency is one the module really has, so the declarations stay a true
 * map;</li>
 * <li>the README tables of the modules are generated from the same model.</li>
 * </ul>
 */
public final class ModuleBoundaries {

	/** The name of the one named interface a module may be used through. */
	public static final String API = "api";

	/**
	 * Set to {@code true} to rewrite the generated README sections instead of failing
	 * when they are out of date.
	 */
	public static final String WRITE_DOCS = "kratos-sync.write-docs";

	private static final Pattern FIRST_SENTENCE = Pattern.compile("/\\*\\*[\\s*]*(.*?\\.)(\\s|\\*/)", Pattern.DOTALL);

	private final Class<?> application;

	private final ApplicationModules modules;

	private ModuleBoundaries(Class<?> application) {
		this.application = application;
		this.modules = ApplicationModules.of(application);
	}

	/**
	 * @param application the {@code @SpringBootApplication} class
	 * @return the boundaries of its modules
	 */
	public static ModuleBoundaries of(Class<?> application) {
		return new ModuleBoundaries(application);
	}

	/**
	 * @return the model of the modules
	 */
	public ApplicationModules modules() {
		return this.modules;
	}

	/**
	 * Fails naming each module that does not declare, in its {@code package-info.java},
	 * the modules it may use through their {@value #API} interface, or that is open, or
	 * that declares a dependency it does not have.
	 */
	public void requireDeclaredDependencies() {
		List<String> problems = new ArrayList<>();
		for (var module : this.modules) {
			String name = module.getIdentifier().toString();
			String basePackage = module.getBasePackage().getName();
			ApplicationModule declared = declaration(basePackage);
			if (declared == null) {
				problems.add("module '" + name + "' (" + basePackage
						+ ") has no @ApplicationModule in its package-info.java: declare allowedDependencies");
				continue;
			}
			if (declared.type() == ApplicationModule.Type.OPEN) {
				problems.add("module '" + name + "' is open: every module is closed behind its API");
			}
			List<String> allowed = Arrays.asList(declared.allowedDependencies());
			if (allowed.contains(ApplicationModule.OPEN_TOKEN)) {
				problems.add("module '" + name + "' does not declare allowedDependencies ({} when it uses none)");
				continue;
			}
			Set<String> used = module.getDirectDependencies(this.modules)
				.uniqueModules()
				.map((m) -> m.getIdentifier().toString())
				.collect(Collectors.toCollection(TreeSet::new));
			for (String dependency : allowed) {
				String[] parts = dependency.split("::");
				if (parts.length != 2 || !API.equals(parts[1].trim())) {
					problems.add("module '" + name + "' may use '" + dependency + "': a module is used through its '"
							+ API + "' interface only ('" + parts[0].trim() + "::" + API + "')");
				}
				if (!used.contains(parts[0].trim())) {
					problems.add("module '" + name + "' declares '" + dependency
							+ "' but uses nothing of it: drop the declaration");
				}
			}
		}
		if (!problems.isEmpty()) {
			throw new AssertionError("Module declarations of " + this.application.getSimpleName() + ":\n  "
					+ String.join("\n  ", problems));
		}
	}

	/**
	 * Fails naming the types of each cycle between packages of the application, at any
	 * depth (Spring Modulith sees cycles between modules only).
	 */
	public void requireNoPackageCycles() {
		String root = this.application.getPackageName();
		JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages(root);
		slices().matching(root + ".(**)").should().beFreeOfCycles().check(classes);
	}

	/**
	 * The modules as a Markdown table: what each is, what it may use, its API.
	 * @param sourceRoot the module's {@code src/main/java}, for the first sentence of
	 * each package's Javadoc
	 * @return the table
	 */
	public String table(Path sourceRoot) {
		StringBuilder out = new StringBuilder();
		out.append("| module | package | what it is | uses | its API |\n");
		out.append("|---|---|---|---|---|\n");
		for (var module : this.modules) {
			String basePackage = module.getBasePackage().getName();
			ApplicationModule declared = declaration(basePackage);
			String uses = (declared == null) ? "?"
					: Arrays.stream(declared.allowedDependencies())
						.map((d) -> d.split("::")[0].trim())
						.sorted()
						.collect(Collectors.joining(", "));
			String api = module.getNamedInterfaces()
				.getByName(API)
				.map(NamedInterface::asJavaClasses)
				.map((types) -> types.filter((type) -> type.getEnclosingClass().isEmpty())
					.map(JavaClass::getSimpleName)
					.distinct()
					.sorted()
					.map((n) -> "`" + n + "`")
					.collect(Collectors.joining(", ")))
				.orElse("");
			out.append("| ")
				.append(module.getDisplayName())
				.append(" | `")
				.append(basePackage.substring(this.application.getPackageName().length() + 1))
				.append("` | ")
				.append(firstSentence(sourceRoot, basePackage))
				.append(" | ")
				.append(uses.isEmpty() ? "nothing" : uses)
				.append(" | ")
				.append(api.isEmpty() ? "none: used by no other module" : api)
				.append(" |\n");
		}
		return out.toString();
	}

	/**
	 * Fails when a file's generated section (between {@code <!-- modules:NAME -->} and
	 * {@code <!-- /modules:NAME -->}) differs from {@link #table}; rewrites it instead
	 * when {@value #WRITE_DOCS} is {@code true}.
	 * @param name the name in the markers
	 * @param sourceRoot the module's {@code src/main/java}
	 * @param files the files that carry the section
	 */
	public void requireDocumented(String name, Path sourceRoot, Path... files) {
		String table = table(sourceRoot);
		String start = "<!-- modules:" + name + " (generated by ModuleBoundaryTests from the module model) -->\n";
		String end = "<!-- /modules:" + name + " -->";
		List<String> stale = new ArrayList<>();
		for (Path file : files) {
			String text = read(file);
			int from = text.indexOf(start);
			int to = text.indexOf(end);
			if (from < 0 || to < from) {
				stale.add(file + ": no section between \"" + start.strip() + "\" and \"" + end + "\"");
				continue;
			}
			String current = text.substring(from + start.length(), to);
			if (current.equals(table)) {
				continue;
			}
			if (Boolean.getBoolean(WRITE_DOCS)) {
				write(file, text.substring(0, from + start.length()) + table + text.substring(to));
			}
			else {
				stale.add(file + " is out of date");
			}
		}
		if (!stale.isEmpty()) {
			throw new AssertionError(String.join("\n", stale) + "\nExpected:\n" + table
					+ "Rewrite it with: ./mvnw -pl <service> test -Dtest=ModuleBoundaryTests -D" + WRITE_DOCS
					+ "=true");
		}
	}

	/**
	 * Writes Spring Modulith's documentation of the modules (PlantUML component diagrams
	 * and a canvas per module) into {@code target/spring-modulith-docs}.
	 */
	public void writeDiagrams() {
		new Documenter(this.modules).writeModulesAsPlantUml().writeIndividualModulesAsPlantUml().writeModuleCanvases();
	}

	private static ApplicationModule declaration(String basePackage) {
		try {
			Class<?> info = Class.forName(basePackage + ".package-info");
			return info.getAnnotation(ApplicationModule.class);
		}
		catch (ClassNotFoundException ex) {
			return null;
		}
	}

	private static String firstSentence(Path sourceRoot, String basePackage) {
		Path info = sourceRoot.resolve(basePackage.replace('.', '/')).resolve("package-info.java");
		if (!Files.exists(info)) {
			return "";
		}
		Matcher matcher = FIRST_SENTENCE.matcher(read(info));
		if (!matcher.find()) {
			return "";
		}
		return matcher.group(1)
			.replaceAll("\\s*\\n\\s*\\*\\s*", " ")
			.replaceAll("\\{@(?:link|code) (?:[\\w.]+\\.)?([^}]+)}", "`$1`")
			.replace("|", "\\|")
			.strip();
	}

	private static String read(Path file) {
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void write(Path file, String text) {
		try {
			Files.writeString(file, text, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
