package io.kratossync.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Kratos v25.4.0's own schema ({@code infra/kratos-db/kratos-v25.4.0.postgres.sql},
 * produced by Kratos's migrations), loaded into an empty database with the network row
 * that {@code kratos serve} inserts on its first start.
 */
final class KratosSchema {

	static final Path FILE = Path.of("infra/kratos-db/kratos-v25.4.0.postgres.sql");

	private KratosSchema() {
	}

	static void load(Connection connection) throws SQLException, IOException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(Files.readString(FILE));
			statement.execute("SET search_path = public");
			statement.execute("INSERT INTO networks (id, created_at, updated_at) "
					+ "VALUES (gen_random_uuid(), now() AT TIME ZONE 'utc', now() AT TIME ZONE 'utc')");
		}
	}

}
