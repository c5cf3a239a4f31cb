package com.contoso.lro.http;

/**
 * An HTTP/1.x request whose framing {@link StrictRequestDecoder} refused: where its body ends, and so where
 * the next request starts, cannot be trusted. Its message is safe to show the client; it is answered 400
 * and the connection is closed.
 */
final class MalformedFraming extends RuntimeException {

  MalformedFraming(String message) {
    super(message, null, false, false);
  }
}
