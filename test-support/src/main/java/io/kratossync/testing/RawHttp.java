package io.kratossync.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client that sends the request target exactly as given, byte for byte, as an
 * attacker's client would: no normalisation, no encoding, no decoding (the JDK's clients
 * tidy some spellings up before sending). One request per connection, which is kept alive
 * until the answer is read; loopback only.
 */
public final class RawHttp {

	/**
	 * An answer.
	 *
	 * @param status the status code
	 * @param headers the response headers, names in lower case (last value wins)
	 * @param body the body as text
	 */
	public record Response(int status, Map<String, String> headers, String body) {

		/**
		 * @return whether the status is 2xx
		 */
		public boolean isSuccess() {
			return this.status >= 200 && this.status < 300;
		}

	}

	private RawHttp() {
	}

	/**
	 * Sends one request to a loopback port.
	 * @param port the port on 127.0.0.1
	 * @param method the method
	 * @param target the request target, sent as is
	 * @param headers request headers (a {@code null} value leaves the header out)
	 * @param body the body, or {@code null}
	 * @return the answer
	 */
	public static Response send(int port, String method, String target, Map<String, String> headers, String body) {
		return send(port, method, target, headers, (body != null) ? body.getBytes(StandardCharsets.UTF_8) : null);
	}

	/**
	 * Sends one request with a body of bytes to a loopback port.
	 * @param port the port on 127.0.0.1
	 * @param method the method
	 * @param target the request target, sent as is
	 * @param headers request headers (a {@code null} value leaves the header out)
	 * @param body the body, or {@code null}
	 * @return the answer
	 */
	public static Response send(int port, String method, String target, Map<String, String> headers, byte[] body) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout(20_000);
			byte[] content = (body != null) ? body : new byte[0];
			StringBuilder request = new StringBuilder();
			request.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
			request.append("Host: 127.0.0.1:").append(port).append("\r\n");
			headers.forEach((name, value) -> {
				if (value != null) {
					request.append(name).append(": ").append(value).append("\r\n");
				}
			});
			if (body != null) {
				request.append("Content-Length: ").append(content.length).append("\r\n");
			}
			// a kept-alive connection: a server that answers before reading the body then
			// discards the rest of it,
			// instead of closing on unread data (which resets the connection and can lose
			// the answer)
			request.append("\r\n");
			OutputStream out = socket.getOutputStream();
			out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
			out.write(content);
			out.flush();
			return read(new BufferedInputStream(socket.getInputStream()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("request " + method + " " + target + " failed", ex);
		}
	}

	/**
	 * Reads one answer, framed by its length, its chunks, or the end of the connection.
	 */
	private static Response read(InputStream in) throws IOException {
		String statusLine = line(in);
		if (statusLine == null || !statusLine.startsWith("HTTP/1.1 ")) {
			throw new IOException("not an HTTP/1.1 answer: " + statusLine);
		}
		int status = Integer.parseInt(statusLine.substring(9, 12));
		Map<String, String> headers = new LinkedHashMap<>();
		for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
			int colon = line.indexOf(':');
			if (colon > 0) {
				headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
			}
		}
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
			for (int size = chunkSize(line(in)); size > 0; size = chunkSize(line(in))) {
				body.write(in.readNBytes(size));
				line(in);
			}
		}
		else if (headers.containsKey("content-length")) {
			body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
		}
		else if (status != 204 && status != 304) {
			body.write(in.readAllBytes());
		}
		return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
	}

	private static int chunkSize(String line) {
		return (line == null) ? 0 : Integer.parseInt(line.split(";")[0].trim(), 16);
	}

	/**
	 * One CRLF-terminated line, without the CRLF; {@code null} at the end of the stream.
	 */
	private static String line(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = in.read(); b != -1; b = in.read()) {
			if (b == '\n') {
				byte[] bytes = line.toByteArray();
				int length = (bytes.length > 0 && bytes[bytes.length - 1] == '\r') ? bytes.length - 1 : bytes.length;
				return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
			}
			line.write(b);
		}
		return (line.size() > 0) ? line.toString(StandardCharsets.ISO_8859_1) : null;
	}

	/**
	 * The same as {@link #send} for a body-less request.
	 * @param port the port
	 * @param method the method
	 * @param target the request target
	 * @param headers the headers
	 * @return the answer
	 */
	public static Response send(int port, String method, String target, Map<String, String> headers) {
		return send(port, method, target, headers, (byte[]) null);
	}

}
