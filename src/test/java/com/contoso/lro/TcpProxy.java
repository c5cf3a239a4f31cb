package com.contoso.lro;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A TCP relay to a real server that a test can cut and restore: for database faults without mocks. */
public final class TcpProxy {

  private final Vertx vertx;
  private final String host;
  private final int targetPort;
  private final NetClient client;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private NetServer server;
  private int port;

  private TcpProxy(Vertx vertx, String host, int targetPort) {
    this.vertx = vertx;
    this.host = host;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient();
  }

  /** Listens on a free local port and relays every connection to {@code host:port}. */
  public static Future<TcpProxy> start(Vertx vertx, String host, int port) {
    TcpProxy proxy = new TcpProxy(vertx, host, port);
    return proxy.listen(0).map(listening -> proxy);
  }

  public int port() {
    return port;
  }

  /** Refuses new connections and drops the open ones, as a database that went away. */
  public Future<Void> cut() {
    return server.close().onComplete(closed -> sockets.forEach(NetSocket::close)).mapEmpty();
  }

  /** Accepts connections again, on the same port, after {@link #cut}: the database is back. */
  public Future<Void> restore() {
    return listen(port);
  }

  private Future<Void> listen(int onPort) {
    server = vertx.createNetServer().connectHandler(this::relay);
    return server.listen(onPort, "127.0.0.1").onSuccess(listening -> port = listening.actualPort()).mapEmpty();
  }

  private void relay(NetSocket inbound) {
    inbound.pause();
    client.connect(targetPort, host).onSuccess(outbound -> {
      sockets.add(inbound);
      sockets.add(outbound);
      inbound.handler(outbound::write);
      outbound.handler(inbound::write);
      inbound.closeHandler(closed -> outbound.close());
      outbound.closeHandler(closed -> inbound.close());
      inbound.resume();
    }).onFailure(failure -> inbound.close());
  }
}
