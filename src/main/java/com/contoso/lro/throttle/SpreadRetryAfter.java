package com.contoso.lro.throttle;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * A Retry-After drawn at random from a range of whole seconds, for refusals that come in herds:
 * requests refused at the same moment with the same Retry-After come back at the same moment, and
 * are refused together again, for as long as the cause lasts (a client's hundreds of long-polls
 * past its cap did so every 5 s, as one burst that delayed everyone's requests on the instance).
 * Drawn from a range, they come back spread over it.
 */
public final class SpreadRetryAfter {

  private final int least;
  private final int most;
  /** Null for the calling thread's own generator, as ThreadLocalRandom wants to be used. */
  private final RandomGenerator random;

  public SpreadRetryAfter(int least, int most) {
    this(least, most, null);
  }

  SpreadRetryAfter(int least, int most, RandomGenerator random) {
    if (least < 1 || most < least) {
      throw new IllegalArgumentException("a range of whole seconds, from at least 1");
    }
    this.least = least;
    this.most = most;
    this.random = random;
  }

  /** Seconds from {@code least} to {@code most}, both included, each as likely. */
  public int next() {
    return least + (random == null ? ThreadLocalRandom.current() : random).nextInt(most - least + 1);
  }
}
