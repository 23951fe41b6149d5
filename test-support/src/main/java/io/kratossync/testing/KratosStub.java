package io.kratossync.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Plays Ory Kratos's HTTP APIs on a loopback port, answering as Kratos v25 does (see
 * KRATOS.md):
 * <ul>
 * <li>{@code DELETE /admin/identities/{id}/sessions}: 204 when sessions were deleted, 404
 * when none were (also on a retry), 400 for a malformed id;</li>
 * <li>{@code GET /admin/identities/{id}}: 200 with the identity and the metadata of its
 * password credential ({@code updated_at}, never its config), 404 for an identity the
 * stub does not know, 400 for a malformed id;</li>
 * <li>{@code GET /sessions/whoami} with cookie {@code ory_kratos_session} or header
 * {@code X-Session-Token}: 200 with the session, 401 without a valid session, 403 when
 * the session needs a higher assurance level.</li>
 * </ul>
 * Faults can be queued ({@link #failNext}), and every call is recorded. One path is not
 * Kratos's: {@code POST /stub/identities/{id}/sessions} creates a session and returns its
 * token, so that a person trying the local stack can play a user signing in.
 */
public final class KratosStub implements AutoCloseable {

	private static final Pattern IDENTITY_SESSIONS = Pattern.compile("^/admin/identities/([^/]+)/sessions$");

	private static final Pattern STUB_SIGN_IN = Pattern.compile("^/stub/identities/([^/]+)/sessions$");

	private static final Pattern IDENTITY = Pattern.compile("^/admin/identities/([^/]+)$");

	private static final Pattern UUID_SHAPE = Pattern
		.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

	/**
	 * A recorded call.
	 *
	 * @param method the HTTP method
	 * @param path the path
	 * @param headers the request headers
	 * @param status the status answered, -1 when the connection was dropped
	 * @param injected whether the answer was an injected fault (nothing was done)
	 * @param atNanos when it arrived ({@link System#nanoTime()})
	 */
	public record Call(String method, String path, Map<String, List<String>> headers, int status, boolean injected,
			long atNanos) {
	}

	private record Session(String id, UUID identityId, boolean needsAal2) {
	}

	/**
	 * An identity as far as the stub knows it: when it was created, when its password was
	 * last set, its state, e-mail trait and last update.
	 */
	private record Identity(Instant createdAt, Instant passwordUpdatedAt, String state, String email,
			Instant updatedAt) {

		Identity(Instant createdAt, Instant passwordUpdatedAt) {
			this(createdAt, passwordUpdatedAt, "active", null, createdAt);
		}

	}

	private final Map<UUID, Identity> identities = new ConcurrentHashMap<>();

	private record Fault(int status, Duration delay, Map<String, String> headers) {
	}

	private volatile HttpServer server;

	private final int port;

	private final Map<String, Session> sessionsByToken = new ConcurrentHashMap<>();

	private final Deque<Fault> faults = new ConcurrentLinkedDeque<>();

	private final List<Call> calls = new CopyOnWriteArrayList<>();

	private volatile boolean down;

	private volatile Duration answerAfter = Duration.ZERO;

	private KratosStub(HttpServer server) {
		this.server = server;
		this.port = server.getAddress().getPort();
	}

	/**
	 * Starts a stub on a free loopback port.
	 * @return the running stub
	 */
	public static KratosStub start() {
		return start(0);
	}

	/**
	 * Starts a stub on the given loopback port.
	 * @param port the port, 0 for any free one
	 * @return the running stub
	 */
	public static KratosStub start(int port) {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
			KratosStub stub = new KratosStub(server);
			server.createContext("/", stub::handle);
			server.setExecutor(Executors.newFixedThreadPool(8));
			server.start();
			return stub;
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot start the Kratos stub", ex);
		}
	}

	/**
	 * @return the base URL, e.g. {@code http://127.0.0.1:41234}, serving both admin and
	 * public paths
	 */
	public String url() {
		return "http://127.0.0.1:" + this.port;
	}

	/**
	 * Stops listening: connections are refused, as when Kratos is not running, until
	 * {@link #acceptConnections()}.
	 */
	public synchronized void refuseConnections() {
		this.server.stop(0);
	}

	/** Listens again on the same port, with the same sessions. */
	public synchronized void acceptConnections() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", this.port), 0);
			server.createContext("/", this::handle);
			server.setExecutor(Executors.newFixedThreadPool(8));
			server.start();
			this.server = server;
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot listen again on port " + this.port, ex);
		}
	}

	/**
	 * Creates an identity with a password, both an hour old (a no-op for one that
	 * exists).
	 * @param identityId the identity
	 */
	public void createIdentity(UUID identityId) {
		Instant anHourAgo = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MICROS);
		this.identities.putIfAbsent(identityId, new Identity(anHourAgo, anHourAgo));
	}

	/**
	 * Creates (or replaces) an identity.
	 * @param identityId the identity
	 * @param createdAt when Kratos created it
	 * @param passwordUpdatedAt when Kratos last wrote its password credential,
	 * {@code null} for none
	 */
	public void createIdentity(UUID identityId, Instant createdAt, Instant passwordUpdatedAt) {
		this.identities.put(identityId, new Identity(createdAt, passwordUpdatedAt));
	}

	/**
	 * Records that the identity changed its password at the given Kratos time, as a
	 * settings flow would.
	 * @param identityId the identity
	 * @param at Kratos's time of the new password credential
	 */
	public void passwordChanged(UUID identityId, Instant at) {
		this.identities.compute(identityId, (id, old) -> new Identity((old != null) ? old.createdAt() : at, at));
	}

	/**
	 * Creates (or replaces) an identity as an administrator would: e-mail, state and
	 * times as given.
	 * @param identityId the identity
	 * @param email its e-mail trait
	 * @param state {@code active} or {@code inactive}
	 * @param createdAt when Kratos created it
	 * @param updatedAt when Kratos last updated it
	 */
	public void putIdentity(UUID identityId, String email, String state, Instant createdAt, Instant updatedAt) {
		this.identities.put(identityId, new Identity(createdAt, createdAt, state, email, updatedAt));
	}

	/**
	 * Changes an identity behind everybody's back, as {@code PATCH
	 * /admin/identities/{id}} would.
	 * @param identityId the identity
	 * @param email the new e-mail, or {@code null} to keep it
	 * @param state the new state, or {@code null} to keep it
	 * @param at Kratos's {@code updated_at} of the change
	 */
	public void editIdentity(UUID identityId, String email, String state, Instant at) {
		this.identities.computeIfPresent(identityId, (id, old) -> new Identity(old.createdAt(), old.passwordUpdatedAt(),
				(state != null) ? state : old.state(), (email != null) ? email : old.email(), at));
	}

	/**
	 * Deletes an identity, as {@code DELETE /admin/identities/{id}} would.
	 * @param identityId the identity
	 */
	public void deleteIdentity(UUID identityId) {
		this.identities.remove(identityId);
	}

	/** Forgets every identity. */
	public void clearIdentities() {
		this.identities.clear();
		this.unlisted.clear();
	}

	/**
	 * Leaves an identity out of the listing while {@code GET /admin/identities/{id}}
	 * still finds it, as a listing read while the identity was being written can.
	 * @param identityId the identity
	 */
	public void leaveOutOfListing(UUID identityId) {
		this.unlisted.add(identityId);
	}

	private final Set<UUID> unlisted = ConcurrentHashMap.newKeySet();

	/**
	 * Creates a session for the identity and returns its token.
	 * @param identityId the identity
	 * @return the session token (also valid as the {@code ory_kratos_session} cookie
	 * value)
	 */
	public String createSession(UUID identityId) {
		return addSession(identityId, false);
	}

	/**
	 * Creates a session that Kratos would answer 403 for, as it does when the identity
	 * must step up to AAL2.
	 * @param identityId the identity
	 * @return the session token
	 */
	public String createSessionNeedingAal2(UUID identityId) {
		return addSession(identityId, true);
	}

	private String addSession(UUID identityId, boolean needsAal2) {
		createIdentity(identityId);
		String token = "ory_st_" + UUID.randomUUID().toString().replace("-", "");
		this.sessionsByToken.put(token, new Session(UUID.randomUUID().toString(), identityId, needsAal2));
		return token;
	}

	/**
	 * The number of active sessions the identity has.
	 * @param identityId the identity
	 * @return the number
	 */
	public long activeSessions(UUID identityId) {
		return this.sessionsByToken.values().stream().filter((s) -> s.identityId().equals(identityId)).count();
	}

	/**
	 * The next {@code count} requests to the admin API are answered with {@code status}
	 * after {@code delay} instead of being served.
	 * @param count how many requests
	 * @param status the status to answer
	 * @param delay how long to wait before answering
	 */
	public void failNext(int count, int status, Duration delay) {
		failNext(count, status, delay, Map.of());
	}

	/**
	 * The next {@code count} requests to the admin API are answered with {@code status}
	 * and the given headers (e.g. {@code Retry-After}) after {@code delay} instead of
	 * being served.
	 * @param count how many requests
	 * @param status the status to answer
	 * @param delay how long to wait before answering
	 * @param headers headers of the answer
	 */
	public void failNext(int count, int status, Duration delay, Map<String, String> headers) {
		for (int i = 0; i < count; i++) {
			this.faults.add(new Fault(status, delay, headers));
		}
	}

	/**
	 * Drops every connection to the admin API without an answer, as a crashed Kratos
	 * would, until {@link #up()}.
	 */
	public void down() {
		this.down = true;
	}

	/**
	 * Serves every admin request (faults aside) only after a delay, as a Kratos under
	 * load does.
	 * @param delay the delay; zero for none
	 */
	public void answerAfter(Duration delay) {
		this.answerAfter = delay;
	}

	/** Serves again after {@link #down()}. */
	public void up() {
		this.down = false;
	}

	/**
	 * @return every call so far, in order
	 */
	public List<Call> calls() {
		return new ArrayList<>(this.calls);
	}

	/**
	 * The calls that revoked, or tried to revoke, the sessions of an identity.
	 * @param identityId the identity
	 * @return the calls
	 */
	public List<Call> revocationCalls(UUID identityId) {
		String path = "/admin/identities/" + identityId + "/sessions";
		return this.calls.stream().filter((c) -> c.method().equals("DELETE") && c.path().equals(path)).toList();
	}

	/** Forgets recorded calls and queued faults. */
	public void reset() {
		this.calls.clear();
		this.faults.clear();
		this.down = false;
		this.answerAfter = Duration.ZERO;
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	private void handle(HttpExchange exchange) throws IOException {
		long at = System.nanoTime();
		try (exchange; InputStream body = exchange.getRequestBody()) {
			body.readAllBytes();
			String method = exchange.getRequestMethod();
			String path = exchange.getRequestURI().getPath();
			Response response = route(method, path, exchange);
			if (response == null) {
				// a dead Kratos: close the connection without an answer
				this.calls.add(new Call(method, path, Map.copyOf(exchange.getRequestHeaders()), -1, true, at));
				exchange.close();
				return;
			}
			this.calls.add(new Call(method, path, Map.copyOf(exchange.getRequestHeaders()), response.status(),
					response.injected(), at));
			response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
			byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
			if (bytes.length > 0) {
				exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
				exchange.sendResponseHeaders(response.status(), bytes.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(bytes);
				}
			}
			else {
				exchange.sendResponseHeaders(response.status(), -1);
			}
		}
	}

	private record Response(int status, String body, boolean injected, Map<String, String> headers) {

		Response(int status, String body) {
			this(status, body, false, Map.of());
		}

	}

	private Response route(String method, String path, HttpExchange exchange) {
		if (path.startsWith("/admin/")) {
			if (this.down) {
				return null;
			}
			Fault fault = this.faults.poll();
			if (fault != null) {
				pause(fault.delay());
				return new Response(fault.status(),
						(fault.status() >= 400) ? error(fault.status(), "injected fault") : "", true, fault.headers());
			}
			pause(this.answerAfter);
			Matcher matcher = IDENTITY_SESSIONS.matcher(path);
			if (matcher.matches() && method.equals("DELETE")) {
				return revokeAll(matcher.group(1));
			}
			Matcher identity = IDENTITY.matcher(path);
			if (identity.matches() && method.equals("GET")) {
				return identity(identity.group(1));
			}
			if (path.equals("/admin/identities") && method.equals("GET")) {
				return listIdentities(exchange.getRequestURI().getRawQuery());
			}
			return new Response(404, error(404, "The requested resource could not be found"));
		}
		if (path.equals("/sessions/whoami") && method.equals("GET")) {
			return whoami(exchange);
		}
		Matcher signIn = STUB_SIGN_IN.matcher(path);
		if (signIn.matches() && method.equals("POST") && UUID_SHAPE.matcher(signIn.group(1)).matches()) {
			// not a Kratos API: lets a person trying the local stack "sign in" as an
			// identity
			String token = createSession(UUID.fromString(signIn.group(1)));
			return new Response(201, "{\"session_token\":\"" + token + "\"}");
		}
		return new Response(404, error(404, "The requested resource could not be found"));
	}

	private Response revokeAll(String id) {
		if (!UUID_SHAPE.matcher(id).matches()) {
			return new Response(400, error(400, "The request was malformed or contained invalid parameters"));
		}
		UUID identityId = UUID.fromString(id);
		Set<String> tokens = Set.copyOf(this.sessionsByToken.keySet());
		int deleted = 0;
		for (String token : tokens) {
			Session session = this.sessionsByToken.get(token);
			if (session != null && session.identityId().equals(identityId)) {
				this.sessionsByToken.remove(token);
				deleted++;
			}
		}
		// Kratos answers 404 when zero rows were deleted
		// (persistence/sql/persister_session.go)
		return (deleted > 0) ? new Response(204, "")
				: new Response(404, error(404, "The requested resource could not be found"));
	}

	/**
	 * {@code GET /admin/identities?page_size=&page_token=}: keyset pagination over the
	 * ids, as Kratos pages: the next page's token in a {@code Link} header
	 * ({@code rel="next"}), none on the last page; the token is opaque to clients.
	 */
	private Response listIdentities(String query) {
		Map<String, String> params = new java.util.HashMap<>();
		if (query != null) {
			for (String pair : query.split("&")) {
				String[] kv = pair.split("=", 2);
				params.put(kv[0], (kv.length > 1) ? java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
			}
		}
		int size = Integer.parseInt(params.getOrDefault("page_size", "250"));
		if (size < 1 || size > 500) {
			return new Response(400, error(400, "The request was malformed or contained invalid parameters"));
		}
		String after = params.containsKey("page_token")
				? new String(java.util.Base64.getUrlDecoder().decode(params.get("page_token")), StandardCharsets.UTF_8)
				: "";
		List<String> ids = this.identities.keySet()
			.stream()
			.filter((id) -> !this.unlisted.contains(id))
			.map(UUID::toString)
			.filter((id) -> id.compareTo(after) > 0)
			.sorted()
			.limit(size + 1L)
			.toList();
		StringBuilder body = new StringBuilder("[");
		for (int i = 0; i < Math.min(size, ids.size()); i++) {
			Response one = identity(ids.get(i));
			if (one.status() == 200) {
				body.append((body.length() > 1) ? "," : "").append(one.body());
			}
		}
		body.append(']');
		Map<String, String> headers = new java.util.HashMap<>();
		String first = "<" + url() + "/admin/identities?page_size=" + size + ">; rel=\"first\"";
		if (ids.size() > size) {
			String token = java.util.Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(ids.get(size - 1).getBytes(StandardCharsets.UTF_8));
			headers.put("Link", first + ",<" + url() + "/admin/identities?page_size=" + size + "&page_token=" + token
					+ ">; rel=\"next\"");
		}
		else {
			headers.put("Link", first);
		}
		return new Response(200, body.toString(), false, headers);
	}

	/**
	 * {@code GET /admin/identities/{id}}: the identity, with credential metadata but
	 * never a credential's config.
	 */
	private Response identity(String id) {
		if (!UUID_SHAPE.matcher(id).matches()) {
			return new Response(400, error(400, "The request was malformed or contained invalid parameters"));
		}
		Identity identity = this.identities.get(UUID.fromString(id));
		if (identity == null) {
			return new Response(404, error(404, "Unable to locate the resource"));
		}
		String password = (identity.passwordUpdatedAt() == null) ? ""
				: ",\"credentials\":{\"password\":{\"type\":\"password\",\"identifiers\":[\"" + id + "@example.com\"],"
						+ "\"version\":0,\"created_at\":\"" + identity.createdAt() + "\",\"updated_at\":\""
						+ identity.passwordUpdatedAt() + "\"}}";
		String email = (identity.email() != null) ? identity.email() : id + "@example.com";
		return new Response(200,
				"{\"id\":\"" + id + "\",\"schema_id\":\"default\",\"state\":\"" + identity.state() + "\","
						+ "\"traits\":{\"email\":\"" + email + "\"},\"verifiable_addresses\":[{\"value\":\"" + email
						+ "\",\"verified\":false,\"via\":\"email\",\"status\":\"pending\"}],\"created_at\":\""
						+ identity.createdAt() + "\",\"updated_at\":\"" + identity.updatedAt() + "\"" + password + "}");
	}

	private Response whoami(HttpExchange exchange) {
		String token = exchange.getRequestHeaders().getFirst("X-Session-Token");
		if (token == null) {
			token = cookie(exchange.getRequestHeaders().getFirst("Cookie"), "ory_kratos_session");
		}
		Session session = (token != null) ? this.sessionsByToken.get(token) : null;
		if (session == null) {
			return new Response(401, "{\"error\":{\"code\":401,\"status\":\"Unauthorized\",\"id\":\"session_inactive\","
					+ "\"reason\":\"No active session was found in this request.\",\"message\":\"request does not have a valid authentication session\"}}");
		}
		if (session.needsAal2()) {
			return new Response(403,
					"{\"error\":{\"code\":403,\"status\":\"Forbidden\",\"id\":\"session_aal2_required\","
							+ "\"reason\":\"An active session was found but it does not fulfil the Authenticator Assurance Level, implying that the session must use a second factor.\","
							+ "\"message\":\"Session does not fulfill the Authenticator Assurance Level\"},"
							+ "\"redirect_browser_to\":\"" + url() + "/self-service/login/browser?aal=aal2\"}");
		}
		return new Response(200,
				"{\"id\":\"" + session.id() + "\",\"active\":true,"
						+ "\"authenticator_assurance_level\":\"aal1\",\"identity\":{\"id\":\"" + session.identityId()
						+ "\",\"schema_id\":\"default\",\"state\":\"active\",\"traits\":{}}}");
	}

	private static String cookie(String header, String name) {
		if (header == null) {
			return null;
		}
		for (String part : header.split(";")) {
			String[] pair = part.trim().split("=", 2);
			if (pair.length == 2 && pair[0].equals(name)) {
				return pair[1];
			}
		}
		return null;
	}

	private static String error(int code, String message) {
		return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\"}}";
	}

	private static void pause(Duration delay) {
		if (delay.isZero()) {
			return;
		}
		try {
			Thread.sleep(delay.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
