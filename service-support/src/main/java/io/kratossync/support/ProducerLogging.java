package io.kratossync.support;

import org.springframework.kafka.support.LoggingProducerListener;
import org.springframework.kafka.support.ProducerListener;

/**
 * What a failed send logs. Spring's default listener logs the record's key and value: the
 * value of an identity event holds personal data (the e-mail), so every template of
 * kratos-sync logs the topic and the failure only.
 */
public final class ProducerLogging {

	private ProducerLogging() {
	}

	/**
	 * @param <K> the key type
	 * @param <V> the value type
	 * @return a listener that logs failed sends without the record's contents
	 */
	public static <K, V> ProducerListener<K, V> withoutContents() {
		LoggingProducerListener<K, V> listener = new LoggingProducerListener<>();
		listener.setIncludeContents(false);
		return listener;
	}

}
