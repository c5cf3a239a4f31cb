package com.contoso.lro.contract;

import com.contoso.lro.graph.ApiException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Validation's CPU time per request, on one thread: a read, a list with six query options, a create,
 * and a refused list and create (their error worded as the error handler words it). Not a test; run
 * by hand (bench/README.md#request-validation says how).
 */
final class RequestValidationBench {

  private static final int ROUNDS = 5;
  private static final int PER_ROUND = 20_000;

  private RequestValidationBench() {
  }

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    try {
      OpenAPIContract contract = ContractLoader.load(vertx).await();
      RequestValidation validation = new RequestValidation(contract, java.util.function.UnaryOperator.identity());
      Map<String, Runnable> requests = new LinkedHashMap<>();
      requests.put("read (id, $select, Prefer)", request(validation, contract.operation("getMyOperation"),
        Map.of("longRunningOperationId", "op-1", "$select", "id,status", "Prefer", "wait=5"), null));
      requests.put("list (6 query options)", request(validation, contract.operation("listMyOperations"),
        Map.of("$top", "50", "$skip", "10", "$filter", "status eq 'running'", "$count", "true", "$select", "id,status",
          "$orderby", "createdDateTime desc"), null));
      requests.put("create (body of 3 properties)", request(validation, contract.operation("createMyOperation"),
        Map.of("Idempotency-Key", "k-1"), "{\"status\": \"running\", \"statusDetail\": \"Resetting the password\","
          + " \"resourceLocation\": \"https://graph.microsoft.com/beta/users/1\"}"));
      requests.put("refused list ($top=0)", request(validation, contract.operation("listMyOperations"),
        Map.of("$top", "0"), null));
      requests.put("refused create (bad enum)", request(validation, contract.operation("createMyOperation"),
        Map.of(), "{\"status\": \"bogus\"}"));
      requests.forEach((name, request) -> System.out.printf("%-32s %8.2f µs%n", name, medianMicros(request)));
    } finally {
      vertx.close().await();
    }
  }

  /** One request's validation; a refusal is worded as GraphErrorHandler words it. */
  private static Runnable request(RequestValidation validation, Operation operation, Map<String, String> values, String body) {
    Buffer buffer = body == null ? null : Buffer.buffer(body);
    return () -> {
      try {
        validation.validate(operation, parameter -> values.get(parameter.getName()), buffer);
      } catch (RuntimeException refused) {
        if (!(refused instanceof ApiException)) {
          throw refused;
        }
      }
    };
  }

  /** The median over the rounds of the thread's CPU time per request: a busy machine's waits are not counted. */
  private static double medianMicros(Runnable request) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[] rounds = new double[ROUNDS];
    for (int round = -3; round < ROUNDS; round++) { // three rounds to warm up
      long start = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < PER_ROUND; i++) {
        request.run();
      }
      if (round >= 0) {
        rounds[round] = (threads.getCurrentThreadCpuTime() - start) / 1_000.0 / PER_ROUND;
      }
    }
    Arrays.sort(rounds);
    return rounds[ROUNDS / 2];
  }
}
