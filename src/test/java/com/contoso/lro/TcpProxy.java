package com.contoso.lro;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A TCP relay to a real server that a test can cut: for database faults without mocks. */
public final class TcpProxy {

  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();

  private TcpProxy(Vertx vertx) {
    this.server = vertx.createNetServer();
    this.client = vertx.createNetClient();
  }

  /** Listens on a free local port and relays every connection to {@code host:port}. */
  public static Future<TcpProxy> start(Vertx vertx, String host, int port) {
    TcpProxy proxy = new TcpProxy(vertx);
    proxy.server.connectHandler(inbound -> {
      inbound.pause();
      proxy.client.connect(port, host).onSuccess(outbound -> {
        proxy.sockets.add(inbound);
        proxy.sockets.add(outbound);
        inbound.handler(outbound::write);
        outbound.handler(inbound::write);
        inbound.closeHandler(closed -> outbound.close());
        outbound.closeHandler(closed -> inbound.close());
        inbound.resume();
      }).onFailure(failure -> inbound.close());
    });
    return proxy.server.listen(0, "127.0.0.1").map(listening -> proxy);
  }

  public int port() {
    return server.actualPort();
  }

  /** Refuses new connections and drops the open ones, as a database that went away. */
  public Future<Void> cut() {
    return server.close().onComplete(closed -> sockets.forEach(NetSocket::close)).mapEmpty();
  }
}
