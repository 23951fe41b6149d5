package io.kratossync.events;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

/**
 * The contract stays a thin library that any consumer can take: it uses the JDK, Jackson
 * and the Kafka client (for its serde), and nothing of Spring or of the services. The
 * Maven side of the same promise is the enforcer rule in this module's build.
 */
class ContractDependencyTests {

	private static final JavaClasses CONTRACT = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.kratossync.events");

	@Test
	void dependsOnTheJdkJacksonAndTheKafkaClientOnly() {
		classes().should()
			.onlyDependOnClassesThat()
			.resideInAnyPackage("java..", "io.kratossync.events..", "tools.jackson..", "com.fasterxml.jackson..",
					"org.apache.kafka..")
			.because("consumers of the topic take this module without Spring or the services")
			.check(CONTRACT);
	}

}
