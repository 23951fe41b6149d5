package io.kratossync.testing;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The boundary tests every service runs on its own modules (see {@link ModuleBoundaries}
 * for the rules). A violation fails with the names of the offending types.
 */
public abstract class ModuleBoundaryContract {

	private final ModuleBoundaries boundaries;

	private final String service;

	/**
	 * @param application the service's {@code @SpringBootApplication} class
	 * @param service the service's Maven module, as its README sections are named
	 */
	protected ModuleBoundaryContract(Class<?> application, String service) {
		this.boundaries = ModuleBoundaries.of(application);
		this.service = service;
	}

	@Test
	void featuresUseEachOtherThroughTheirApiOnlyAndWithoutCycles() {
		this.boundaries.modules().verify();
	}

	@Test
	void everyModuleDeclaresTheModulesItUses() {
		this.boundaries.requireDeclaredDependencies();
	}

	@Test
	void noPackagesDependOnEachOtherInACycle() {
		this.boundaries.requireNoPackageCycles();
	}

	@Test
	void theReadmesShowTheModulesAsTheyAre() {
		this.boundaries.requireDocumented(this.service, Path.of("src/main/java"), Path.of("README.md"),
				Path.of("../README.md"));
		this.boundaries.writeDiagrams();
	}

}
