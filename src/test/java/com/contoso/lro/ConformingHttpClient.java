package com.contoso.lro;

import io.vertx.core.buffer.Buffer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * A {@link java.net.http.HttpClient} that checks every response against openapi.yaml with
 * {@link ContractConformance} before its caller sees it, for clients built on java.net.http (which
 * has no interceptors), such as openapi-generator's {@code native} Java client: a response the
 * contract does not describe throws the AssertionError from {@code send}, and fails the test.
 */
final class ConformingHttpClient extends HttpClient {

  private final HttpClient delegate;
  private final ContractConformance conformance;

  ConformingHttpClient(HttpClient delegate, ContractConformance conformance) {
    this.delegate = delegate;
    this.conformance = conformance;
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler) throws IOException, InterruptedException {
    return conforming(request, delegate.send(request, BodyHandlers.ofByteArray()), handler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler) {
    return delegate.sendAsync(request, BodyHandlers.ofByteArray()).thenApply(raw -> conforming(request, raw, handler));
  }

  /** Pushed responses are refused, as with no PushPromiseHandler: what is checked is what was asked. */
  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler,
                                                          PushPromiseHandler<T> pushPromiseHandler) {
    return sendAsync(request, handler);
  }

  /**
   * Checks {@code raw} against the contract, then hands its body to the caller's handler as if it
   * came off the wire: the body has to be read whole to be checked, and the caller still wants it.
   */
  private <T> HttpResponse<T> conforming(HttpRequest request, HttpResponse<byte[]> raw, BodyHandler<T> handler) {
    Map<String, String> headers = new HashMap<>();
    raw.headers().map().forEach((name, values) -> headers.put(name, String.join(", ", values)));
    byte[] body = raw.body();
    TestService.await(conformance.check(request.method(), request.uri().getRawPath(), raw.statusCode(), headers,
      body.length == 0 ? null : Buffer.buffer(body)));
    ResponseInfo info = new ResponseInfo() {
      @Override
      public int statusCode() {
        return raw.statusCode();
      }

      @Override
      public HttpHeaders headers() {
        return raw.headers();
      }

      @Override
      public Version version() {
        return raw.version();
      }
    };
    return new Replayed<>(raw, replay(handler.apply(info), body));
  }

  /** Feeds {@code body} to {@code subscriber} in one piece, as the client would have, and returns what it makes of it. */
  private static <T> T replay(BodySubscriber<T> subscriber, byte[] body) {
    subscriber.onSubscribe(new Flow.Subscription() {
      private boolean done;

      @Override
      public void request(long n) {
        if (!done) {
          done = true;
          subscriber.onNext(List.of(ByteBuffer.wrap(body)));
          subscriber.onComplete();
        }
      }

      @Override
      public void cancel() {
        done = true;
      }
    });
    return subscriber.getBody().toCompletableFuture().join();
  }

  /** The response as received, with the body the caller's handler made of it. */
  private record Replayed<T>(HttpResponse<byte[]> raw, T body) implements HttpResponse<T> {

    @Override
    public int statusCode() {
      return raw.statusCode();
    }

    @Override
    public HttpRequest request() {
      return raw.request();
    }

    /** The JDK keeps no body for a previous response (a redirect), so its type parameter does not matter. */
    @Override
    @SuppressWarnings("unchecked")
    public Optional<HttpResponse<T>> previousResponse() {
      return raw.previousResponse().map(previous -> (HttpResponse<T>) (HttpResponse<?>) previous);
    }

    @Override
    public HttpHeaders headers() {
      return raw.headers();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return raw.sslSession();
    }

    @Override
    public URI uri() {
      return raw.uri();
    }

    @Override
    public Version version() {
      return raw.version();
    }
  }

  // ---- the rest is the delegate's

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }
}
