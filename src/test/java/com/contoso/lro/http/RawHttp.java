package com.contoso.lro.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client on a plain socket, for requests that no well-behaved client would send: any bytes
 * as the request, and a response read by hand. One connection, kept alive while the server keeps it.
 */
final class RawHttp implements AutoCloseable {

  /** What came back: a response, or the connection closed (or reset) without one. */
  record Answer(int status, Map<String, String> headers, byte[] body) implements RawAnswer {

    static final Answer CLOSED = new Answer(-1, Map.of(), new byte[0]);

    boolean closed() {
      return status < 0;
    }
  }

  private final int port;
  private final int readTimeoutMillis;
  private Socket socket;

  RawHttp(int port, int readTimeoutMillis) {
    this.port = port;
    this.readTimeoutMillis = readTimeoutMillis;
  }

  /** Sends {@code request} whole and reads the answer; a connection the server closed is opened anew. */
  Answer exchange(byte[] request, boolean expectBody) throws IOException {
    if (socket == null || socket.isClosed()) {
      socket = open();
    }
    try {
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
    } catch (IOException refused) {
      // The server may answer and close before it has read everything (a body over the limit):
      // what it answered, if anything, is still to be read.
    }
    Answer answer;
    try {
      answer = read(socket.getInputStream(), expectBody);
    } catch (SocketTimeoutException e) {
      close();
      throw new IOException("No answer within " + readTimeoutMillis + " ms", e);
    } catch (EOFException | java.net.SocketException e) {
      answer = Answer.CLOSED;
    }
    if (answer.closed() || "close".equalsIgnoreCase(answer.header("connection"))) {
      close();
    }
    return answer;
  }

  /** A new connection, for tests that send a request in parts. */
  Socket open() throws IOException {
    Socket opened = new Socket();
    opened.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    opened.setSoTimeout(readTimeoutMillis);
    return opened;
  }

  /** Reads one response from {@code in}: status line, headers, and a body by Content-Length or chunks. */
  static Answer read(InputStream in, boolean expectBody) throws IOException {
    int status;
    Map<String, String> headers = new LinkedHashMap<>();
    do {
      // An interim answer (100 Continue) comes before the real one.
      status = Integer.parseInt(line(in).split(" ", 3)[1]);
      headers.clear();
      readHeaders(in, headers);
    } while (status < 200);
    if (!expectBody || status == 204 || status == 304) {
      return new Answer(status, headers, new byte[0]);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
        body.write(in.readNBytes(size));
        line(in);
      }
      line(in);
    } else if (headers.containsKey("content-length")) {
      byte[] bytes = in.readNBytes(Integer.parseInt(headers.get("content-length")));
      body.write(bytes);
    }
    return new Answer(status, headers, body.toByteArray());
  }

  private static void readHeaders(InputStream in, Map<String, String> headers) throws IOException {
    for (String line = line(in); !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
        (first, second) -> first + ", " + second);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException();
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.close();
      socket = null;
    }
  }
}
