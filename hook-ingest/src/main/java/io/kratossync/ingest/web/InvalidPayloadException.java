package io.kratossync.ingest.web;

import org.springframework.modulith.NamedInterface;

/**
 * A request body that is JSON but not what the endpoint needs; answered 422 naming the
 * field.
 */
@NamedInterface("api")
public class InvalidPayloadException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String field;

	public InvalidPayloadException(String field, String problem) {
		super(field + " " + problem);
		this.field = field;
	}

	/**
	 * @return the JSON path of the offending field, e.g. {@code identity.id}
	 */
	public String field() {
		return this.field;
	}

}
