package io.kratossync.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A Kafka broker of the test context's own, as a {@link TestBroker} bean: in-process by
 * default, Testcontainers' Kafka with {@code -Dkratos-sync.containers=true}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface TestKafka {

	/**
	 * @return the partitions of a topic the broker creates on first use
	 */
	int partitions() default 2;

	/**
	 * @return the property set to the bootstrap servers in the context (none when empty)
	 */
	String bootstrapServersProperty() default "";

}
