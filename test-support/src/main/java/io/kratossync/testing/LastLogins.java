package io.kratossync.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.kratossync.events.EventEnvelope;
import io.kratossync.events.LoggedIn;

/**
 * Checks that {@code user_settings} holds each identity's latest login, as the worker
 * must leave it whatever the faults, duplicates and order of delivery: one query for all
 * identities.
 */
public final class LastLogins {

	private LastLogins() {
	}

	/**
	 * The latest login of each identity among the events.
	 * @param events events; those that are not logins are ignored
	 * @return identity id to the time of its latest login
	 */
	public static Map<UUID, Instant> latest(Collection<EventEnvelope> events) {
		Map<UUID, Instant> latest = new HashMap<>();
		for (EventEnvelope event : events) {
			if (event.data() instanceof LoggedIn) {
				LoggedIn login = (LoggedIn) event.data();
				latest.merge(login.identityId().value(), login.loggedInAt(), (a, b) -> a.isAfter(b) ? a : b);
			}
		}
		return latest;
	}

	/**
	 * The identities whose row does not hold the expected last login (a missing row
	 * included).
	 * @param jdbcUrl the database (user and password {@code postgres})
	 * @param expected identity id to the expected {@code last_login_at}
	 * @return the identities that are wrong; empty when all are right
	 */
	public static List<UUID> notStored(String jdbcUrl, Map<UUID, Instant> expected) {
		Map<UUID, Instant> stored = new HashMap<>();
		try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
				PreparedStatement query = connection.prepareStatement(
						"SELECT identity_id, last_login_at FROM user_settings WHERE identity_id = ANY (?)");) {
			query.setArray(1, connection.createArrayOf("uuid", expected.keySet().toArray()));
			try (ResultSet rows = query.executeQuery()) {
				while (rows.next()) {
					OffsetDateTime at = rows.getObject(2, OffsetDateTime.class);
					stored.put(rows.getObject(1, UUID.class), (at != null) ? at.toInstant() : null);
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot read user_settings: " + ex.getMessage(), ex);
		}
		List<UUID> wrong = new ArrayList<>();
		expected.forEach((identity, at) -> {
			if (!at.equals(stored.get(identity))) {
				wrong.add(identity);
			}
		});
		return wrong;
	}

}
