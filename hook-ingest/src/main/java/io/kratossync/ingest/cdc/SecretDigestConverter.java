package io.kratossync.ingest.cdc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * A Debezium column converter that replaces the value of each configured column (e.g.
 * {@code identity_credentials.config}, which holds password hashes and OIDC tokens) by a
 * salted SHA-256 digest before Debezium builds its record, in the before and the after
 * image alike. Debezium's own {@code column.mask.hash} does not apply to {@code jsonb}
 * columns, so it cannot do this. The salt is random per process: the digests serve only
 * to compare the credential Kratos deleted with the one it inserted in the same
 * transaction, and they never leave the process.
 */
public class SecretDigestConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {

	/** The property naming the columns, {@code schema.table.column}, comma-separated. */
	public static final String COLUMNS = "columns";

	private final byte[] salt = new byte[32];

	private Set<String> columns = Set.of();

	@Override
	public void configure(Properties props) {
		new SecureRandom().nextBytes(this.salt);
		this.columns = Arrays.stream(props.getProperty(COLUMNS, "").split(","))
			.map(String::trim)
			.filter((c) -> !c.isEmpty())
			.collect(Collectors.toUnmodifiableSet());
	}

	@Override
	public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
		if (!this.columns.contains(column.dataCollection() + "." + column.name())) {
			return;
		}
		registration.register(SchemaBuilder.string().optional(), (value) -> (value != null) ? digest(value) : null);
	}

	private String digest(Object value) {
		String text = (value instanceof org.postgresql.util.PGobject object) ? object.getValue() : value.toString();
		try {
			MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
			sha256.update(this.salt);
			return "sha256:" + HexFormat.of().formatHex(sha256.digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every Java platform", ex);
		}
	}

}
