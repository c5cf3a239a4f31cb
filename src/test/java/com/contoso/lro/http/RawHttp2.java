package com.contoso.lro.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Settings;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * An HTTP/2 client on a plain socket (cleartext, prior knowledge) or a TLS one (ALPN), writing and reading frames with
 * Netty's frame codec and nothing else: header values no conforming client would send, PINGs on an
 * otherwise idle connection, and answers read frame by frame. One connection; streams one at a time.
 */
final class RawHttp2 implements AutoCloseable {

  /** A stream's answer: its status and headers, its body, or the RST_STREAM code it was reset with. */
  record Answer(int status, Map<String, String> headers, byte[] body, long resetCode) implements RawAnswer {
  }

  private final Socket socket;
  private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelDuplexHandler());
  private final ChannelHandlerContext ctx = channel.pipeline().firstContext();
  private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter(
    new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, true));
  private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(new DefaultHttp2HeadersDecoder(false));
  private final ByteBuf received = Unpooled.buffer();
  private final Frames frames = new Frames();
  private int nextStreamId = 1;

  /** HTTP/2 in cleartext, by prior knowledge. */
  RawHttp2(int port, int readTimeoutMillis) throws IOException {
    this(plain(port), readTimeoutMillis);
  }

  /** HTTP/2 over TLS, chosen by ALPN; the server's certificate is not checked. */
  static RawHttp2 overTls(int port, int readTimeoutMillis) throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, null);
      SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      if (!"h2".equals(socket.getApplicationProtocol())) {
        socket.close();
        throw new IOException("The server did not choose h2 but " + socket.getApplicationProtocol());
      }
      return new RawHttp2(socket, readTimeoutMillis);
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static Socket plain(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return socket;
  }

  private RawHttp2(Socket socket, int readTimeoutMillis) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(readTimeoutMillis);
    ByteBuf preface = Http2CodecUtil.connectionPrefaceBuf();
    byte[] bytes = new byte[preface.readableBytes()];
    preface.readBytes(bytes);
    socket.getOutputStream().write(bytes);
    writer.writeSettings(ctx, new Http2Settings(), ctx.newPromise());
    send();
  }

  /** Sends a request with no body on a new stream, {@code headers} as given (names in lower case), and reads its answer. */
  Answer request(String method, String path, List<String[]> headers) throws IOException {
    Http2Headers head = new DefaultHttp2Headers(false)
      .method(method).path(path).scheme("http").authority("localhost");
    headers.forEach(header -> head.add(header[0], header[1]));
    int streamId = nextStreamId;
    nextStreamId += 2;
    frames.stream = streamId;
    frames.reset();
    writer.writeHeaders(ctx, streamId, head, 0, true, ctx.newPromise());
    send();
    while (!frames.ended) {
      if (!readSome()) {
        throw new IOException("The connection closed before stream " + streamId + " ended");
      }
    }
    return new Answer(frames.status, Map.copyOf(frames.headers), frames.body.toByteArray(), frames.resetCode);
  }

  /** Sends a PING, and reads (without waiting) whatever the server has sent meanwhile. */
  void ping() throws IOException {
    writer.writePing(ctx, false, System.nanoTime(), ctx.newPromise());
    send();
  }

  /** Whether the server has sent GOAWAY or closed the connection; reads what has arrived, waiting at most a little. */
  boolean closedByServer() {
    try {
      int timeout = socket.getSoTimeout();
      socket.setSoTimeout(50);
      try {
        while (readSome()) {
          if (frames.goAway) {
            return true;
          }
        }
        return true;
      } finally {
        socket.setSoTimeout(timeout);
      }
    } catch (SocketTimeoutException quiet) {
      return frames.goAway;
    } catch (IOException closed) {
      return true;
    }
  }

  private void send() throws IOException {
    ctx.flush();
    OutputStream out = socket.getOutputStream();
    for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      buf.release();
      out.write(bytes);
    }
    out.flush();
  }

  /** Reads what the socket has and hands whole frames to {@link #frames}; false at the end of the stream. */
  private boolean readSome() throws IOException {
    InputStream in = socket.getInputStream();
    byte[] chunk = new byte[16 * 1024];
    int read;
    try {
      read = in.read(chunk);
    } catch (SocketException reset) {
      return false;
    }
    if (read < 0) {
      return false;
    }
    received.writeBytes(chunk, 0, read);
    try {
      reader.readFrame(ctx, received, frames);
    } catch (Http2Exception e) {
      throw new IOException(e);
    }
    received.discardReadBytes();
    send();
    return true;
  }

  @Override
  public void close() throws IOException {
    socket.close();
    channel.finishAndReleaseAll();
    received.release();
  }

  private final class Frames extends Http2FrameAdapter {
    int stream;
    int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    long resetCode = -1;
    boolean ended;
    boolean goAway;

    void reset() {
      status = 0;
      headers.clear();
      body.reset();
      resetCode = -1;
      ended = false;
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers read, int padding, boolean endOfStream) {
      if (streamId == stream) {
        read.forEach(header -> {
          String name = header.getKey().toString();
          if (name.equals(":status")) {
            status = Integer.parseInt(header.getValue().toString());
          } else {
            headers.merge(name, header.getValue().toString(), (first, second) -> first + ", " + second);
          }
        });
        ended |= endOfStream;
      }
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers read, int streamDependency,
                              short weight, boolean exclusive, int padding, boolean endOfStream) {
      onHeadersRead(ctx, streamId, read, padding, endOfStream);
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
      int length = data.readableBytes();
      if (streamId == stream) {
        byte[] bytes = new byte[length];
        data.readBytes(bytes);
        body.writeBytes(bytes);
        ended |= endOfStream;
      }
      if (length > 0) {
        // Give the window back, so that a long answer is not held up by flow control.
        writer.writeWindowUpdate(ctx, 0, length + padding, ctx.newPromise());
        if (!endOfStream) {
          writer.writeWindowUpdate(ctx, streamId, length + padding, ctx.newPromise());
        }
      }
      return length + padding;
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
      if (streamId == stream) {
        resetCode = errorCode;
        ended = true;
      }
    }

    @Override
    public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
      writer.writeSettingsAck(ctx, ctx.newPromise());
    }

    @Override
    public void onPingRead(ChannelHandlerContext ctx, long data) {
      writer.writePing(ctx, true, data, ctx.newPromise());
    }

    @Override
    public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
      goAway = true;
      ended = true;
    }
  }
}
