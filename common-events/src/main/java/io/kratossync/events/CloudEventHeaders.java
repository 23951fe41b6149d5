package io.kratossync.events;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Header names of the CloudEvents 1.0 Kafka protocol binding, binary content mode, and
 * the one way to read a header's text.
 */
public final class CloudEventHeaders {

	/** {@code ce_specversion}, always {@value #SPEC_VERSION_1_0}. */
	public static final String SPEC_VERSION = "ce_specversion";

	/** {@code ce_id}: the event id. */
	public static final String ID = "ce_id";

	/** {@code ce_source}: the producer of the event. */
	public static final String SOURCE = "ce_source";

	/** {@code ce_type}: the event type. */
	public static final String TYPE = "ce_type";

	/** {@code ce_time}: RFC 3339 timestamp of the event. */
	public static final String TIME = "ce_time";

	/** {@code ce_subject}: the identity id. */
	public static final String SUBJECT = "ce_subject";

	/** {@code content-type} of the record value. */
	public static final String CONTENT_TYPE = "content-type";

	/** The one supported spec version. */
	public static final String SPEC_VERSION_1_0 = "1.0";

	/** The content type of every record value. */
	public static final String APPLICATION_JSON = "application/json";

	private CloudEventHeaders() {
	}

	/**
	 * The text of a header, the last one of that name.
	 * @param headers a record's headers ({@code null}: none)
	 * @param name the header's name
	 * @return its value as UTF-8 text, {@code null} when there is none
	 */
	public static String text(Headers headers, String name) {
		Header header = (headers != null) ? headers.lastHeader(name) : null;
		return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

}
