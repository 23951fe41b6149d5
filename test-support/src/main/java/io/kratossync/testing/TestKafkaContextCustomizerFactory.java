package io.kratossync.testing;

import java.util.List;
import java.util.Map;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Gives a test context annotated {@link TestKafka} its broker (registered in
 * {@code META-INF/spring.factories}).
 */
public class TestKafkaContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		TestKafka kafka = TestContextAnnotationUtils.findMergedAnnotation(testClass, TestKafka.class);
		return (kafka != null) ? new Customizer(kafka.partitions(), kafka.bootstrapServersProperty()) : null;
	}

	private record Customizer(int partitions, String bootstrapServersProperty) implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration merged) {
			TestBroker broker = TestBroker.start(this.partitions);
			context.getBeanFactory().registerSingleton("testBroker", broker);
			context.addApplicationListener((event) -> {
				if (event instanceof ContextClosedEvent) {
					broker.stop();
				}
			});
			if (!this.bootstrapServersProperty.isEmpty()) {
				context.getEnvironment()
					.getPropertySources()
					.addFirst(new MapPropertySource("test-kafka",
							Map.of(this.bootstrapServersProperty, broker.getBrokersAsString())));
			}
		}

	}

}
