package com.contoso.lro.http;

import com.contoso.lro.contract.ContractOperations;
import com.contoso.lro.contract.ContractLoader;
import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static com.contoso.lro.TestService.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Isolation between users, tried at random: several users and apps, each with a random set of the
 * permissions that the contract names, make {@value #CALLS} random calls of the contract's
 * operations on random targets (their own operations, another user's by object id in either case
 * or by UPN, /me, /user, /users/{id}) and random items (their own, another user's, deleted,
 * unknown). A model of who owns what, with the rules of x-permissions read from openapi.yaml,
 * predicts each answer. Whatever the answer, no response may carry an operation of anyone but the
 * user the call resolved to, nor of anyone but the caller unless the caller holds one of the
 * operation's permissions for other users (the .All ones); and at the end the database must hold
 * exactly what the model holds, so no write went through that the rules refuse.
 *
 * <p>The seed is printed; rerun one with {@code -Disolation.seed=N}.
 */
class IsolationRandomizedTest extends ServiceTest {

  private static final String SEED_PROPERTY = "isolation.seed";
  private static final int CALLS = 1000;
  private static final int USERS = 4;
  private static final int APPS = 2;
  private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

  /** The permissions that allow a call, as x-permissions lists them for one kind of target. */
  record Rule(List<String> delegated, List<String> application, List<String> directoryRoles) {
    static final Rule NONE = new Rule(List.of(), List.of(), List.of());

    static Rule of(JsonObject permissions) {
      return permissions == null ? NONE : new Rule(strings(permissions.getJsonArray("delegated")),
        strings(permissions.getJsonArray("application")), permissions.getJsonArray("directoryRoles", new JsonArray())
        .stream().map(role -> ((JsonObject) role).getString("templateId")).toList());
    }

    List<String> forTokenOf(Principal caller) {
      return caller.appOnly() ? application : delegated;
    }

    /** Whether the token's scopes or roles grant the call. */
    boolean grantsPermission(Principal caller) {
      return forTokenOf(caller).stream().anyMatch(caller.permissions()::contains);
    }

    /** Whether the signed-in user holds a directory role the call needs, if it needs one. */
    boolean grantsDirectoryRole(Principal caller) {
      return caller.appOnly() || directoryRoles.isEmpty() || directoryRoles.stream().anyMatch(caller.directoryRoles()::contains);
    }

    boolean grants(Principal caller) {
      return grantsPermission(caller) && grantsDirectoryRole(caller);
    }

    private static List<String> strings(JsonArray values) {
      return values == null ? List.of() : values.stream().map(String::valueOf).toList();
    }
  }

  /**
   * One operation of the contract.
   *
   * @param readers who may read another user's items at this path: the others rule of its GET
   */
  record Call(String operationId, HttpMethod method, String path, Rule self, Rule others, Rule readers) {
    boolean byUserId() {
      return path.contains("{userId}");
    }

    boolean item() {
      return path.contains("{longRunningOperationId}");
    }

    boolean count() {
      return path.endsWith("/$count");
    }
  }

  /** A caller: a signed-in user, or an app with an app-only token. */
  record Principal(String name, String oid, Optional<String> upn, boolean appOnly, Set<String> permissions,
                   Set<String> directoryRoles, String token) {
    @Override
    public String toString() {
      return name + (appOnly ? " roles " : " scp ") + permissions + (directoryRoles.isEmpty() ? "" : " wids " + directoryRoles);
    }
  }

  /** What the model predicts: a status, and whose operations the call acts on when it is allowed. */
  record Expected(int status, String owner, String errorCode) {
    boolean succeeds() {
      return status < 300;
    }
  }

  private final Map<String, Map<String, String>> detailsByOwner = new LinkedHashMap<>();
  private final Map<String, String> ownerOfEveryId = new LinkedHashMap<>();
  private final List<String> deletedIds = new ArrayList<>();
  private final Map<String, Integer> outcomes = new TreeMap<>();

  @Test
  void no_one_reads_or_changes_another_users_operations_without_an_all_permission(Vertx vertx) {
    long seed = Long.getLong(SEED_PROPERTY, new Random().nextLong());
    System.out.println("IsolationRandomizedTest seed=" + seed + " (rerun with -D" + SEED_PROPERTY + "=" + seed + ")");
    Random random = new Random(seed);
    OpenAPIContract contract = await(ContractLoader.load(vertx));
    String basePath = ContractOperations.basePath(contract);
    List<Call> calls = calls(contract);
    List<Principal> callers = callers(random, calls);
    List<Principal> users = callers.stream().filter(caller -> !caller.appOnly()).toList();
    String nobody = UUID.randomUUID().toString();
    Map<String, String> names = callers.stream().collect(Collectors.toMap(Principal::oid, Principal::name));
    System.out.println("callers: " + callers);
    seedOperations(random, contract, basePath, users);

    int deniedWritesOnOthersItems = 0;
    int deniedReadsOfOthersItems = 0;
    int grantedCallsOnOthers = 0;
    for (int n = 1; n <= CALLS; n++) {
      Call call = calls.get(random.nextInt(calls.size()));
      Principal caller = callers.get(random.nextInt(callers.size()));
      String userId = call.byUserId() ? userIdFor(random, callers, nobody) : null;
      String namedOwner = userId == null ? caller.oid() : (GUID.matcher(userId).matches()
        ? userId.toLowerCase(Locale.ROOT) : users.stream().filter(user -> user.upn().orElseThrow().equalsIgnoreCase(userId))
        .findFirst().orElseThrow().oid());
      String item = call.item() ? itemFor(random, namedOwner) : null;
      Expected expected = expect(call, caller, userId, item);
      String path = basePath + call.path()
        .replace("{userId}", userId == null ? "" : URLEncoder.encode(userId, StandardCharsets.UTF_8))
        .replace("{longRunningOperationId}", item == null ? "" : item)
        + (call.method() == HttpMethod.GET && !call.item() && !call.count() ? "?$top=999" : "");
      JsonObject body = body(call, caller, n);
      String what = "seed " + seed + ", call " + n + ": " + caller + " " + call.operationId() + " " + call.method() + " "
        + path + (item == null ? "" : " (an item of " + names.getOrDefault(ownerOfEveryId.get(item), "no one") + ")");

      HttpResponse<Buffer> response = service.call(call.method(), path, caller.token(), body);

      assertThat(response.statusCode()).as(what + "\n" + response.bodyAsString()).isEqualTo(expected.status());
      if (expected.errorCode() != null) {
        assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).as(what)
          .isEqualTo(expected.errorCode());
      }
      assertCarriesOnlyOperationsItMay(response, call, caller, expected, what);
      if (expected.succeeds()) {
        checkAndApply(response, call, expected.owner(), item, body, what);
      }

      boolean othersItem = item != null && ownerOfEveryId.containsKey(item) && !ownerOfEveryId.get(item).equals(caller.oid());
      if (othersItem && !expected.succeeds() && call.method() != HttpMethod.GET) {
        deniedWritesOnOthersItems++;
      }
      if (othersItem && !expected.succeeds() && call.method() == HttpMethod.GET) {
        deniedReadsOfOthersItems++;
      }
      if (expected.succeeds() && !expected.owner().equals(caller.oid())) {
        grantedCallsOnOthers++;
      }
      outcomes.merge(call.method() + " " + response.statusCode(), 1, Integer::sum);
    }

    System.out.println("outcomes: " + outcomes + "; denied writes on another's item " + deniedWritesOnOthersItems
      + ", denied reads of another's item " + deniedReadsOfOthersItems + ", granted calls on another's " + grantedCallsOnOthers);
    assertThat(storedOperations()).as("seed " + seed + ": the database holds exactly what the rules let through")
      .isEqualTo(modelOperations());
    // The run tried what matters, or it proves nothing.
    assertThat(deniedWritesOnOthersItems).as("seed " + seed).isPositive();
    assertThat(deniedReadsOfOthersItems).as("seed " + seed).isPositive();
    assertThat(grantedCallsOnOthers).as("seed " + seed).isPositive();
    assertThat(outcomes.keySet()).as("seed " + seed).contains("GET 200", "GET 403", "GET 404", "PATCH 200", "PATCH 403",
      "DELETE 204", "POST 201", "POST 403");
  }

  /** The contract's operations on a user's operations with their x-permissions ($metadata, on no one's, has none). */
  private static List<Call> calls(OpenAPIContract contract) {
    Map<String, Rule> othersReadersByPath = contract.operations().stream()
      .filter(operation -> !operation.getSecurityRequirements().isEmpty())
      .filter(operation -> operation.getHttpMethod() == HttpMethod.GET)
      .collect(Collectors.toMap(Operation::getOpenAPIPath, operation -> Rule.of(permissions(operation).getJsonObject("others"))));
    // Not $batch: each of its requests is one of these calls, checked as alone (BatchTest).
    List<Call> calls = contract.operations().stream()
      .filter(operation -> !operation.getSecurityRequirements().isEmpty())
      .filter(operation -> !operation.getOperationId().equals("batch"))
      .map(operation -> new Call(operation.getOperationId(), operation.getHttpMethod(), operation.getOpenAPIPath(),
        Rule.of(permissions(operation).getJsonObject("self")), Rule.of(permissions(operation).getJsonObject("others")),
        othersReadersByPath.getOrDefault(operation.getOpenAPIPath(), Rule.NONE)))
      .sorted(java.util.Comparator.comparing(Call::operationId))
      .toList();
    assertThat(calls).hasSize(18);
    return calls;
  }

  private static JsonObject permissions(Operation operation) {
    return (JsonObject) operation.getExtensions().get("x-permissions");
  }

  /**
   * Users and apps with random permissions from those the contract names (and one it does not),
   * drawn again until the callers include one who may change other users' operations, one who may
   * read but not change them, and a user who may not read them.
   */
  private List<Principal> callers(Random random, List<Call> calls) {
    List<String> delegated = permissionsNamed(calls, false, "User.Read");
    List<String> application = permissionsNamed(calls, true, "Directory.Read.All");
    List<String> directoryRoles = directoryRolesNamed(calls, TestTokens.USER_ADMINISTRATOR);
    Rule othersReaders = othersRule(calls, HttpMethod.GET);
    Rule othersWriters = othersRule(calls, HttpMethod.PATCH);
    while (true) {
      List<Principal> callers = new ArrayList<>();
      for (int i = 0; i < USERS; i++) {
        String oid = UUID.randomUUID().toString();
        String upn = "user" + i + "-" + oid.substring(0, 8) + "@contoso.test";
        Set<String> scopes = subset(random, delegated);
        Set<String> wids = subset(random, directoryRoles);
        callers.add(new Principal("user" + i, oid, Optional.of(upn), false, scopes, wids, service.tokens.user()
          .claim("oid", oid).claim("upn", upn).claim("scp", scopes.isEmpty() ? null : String.join(" ", scopes))
          .directoryRoles(wids.toArray(String[]::new)).sign()));
      }
      for (int i = 0; i < APPS; i++) {
        String oid = UUID.randomUUID().toString();
        Set<String> roles = subset(random, application);
        if (roles.isEmpty()) {
          roles = Set.of(application.get(random.nextInt(application.size())));
        }
        callers.add(new Principal("app" + i, oid, Optional.empty(), true, roles, Set.of(),
          service.tokens.user().claim("oid", oid).without("upn").appOnly(roles.toArray(String[]::new)).sign()));
      }
      boolean someoneWritesOthers = callers.stream().anyMatch(othersWriters::grants);
      boolean someoneOnlyReadsOthers = callers.stream()
        .anyMatch(caller -> othersReaders.grants(caller) && !othersWriters.grants(caller));
      boolean someUserReadsNoOthers = callers.stream()
        .anyMatch(caller -> !caller.appOnly() && !othersReaders.grants(caller));
      if (someoneWritesOthers && someoneOnlyReadsOthers && someUserReadsNoOthers) {
        return callers;
      }
    }
  }

  /** What an item call of this method on /users/{userId} needs for another user's operation. */
  private static Rule othersRule(List<Call> calls, HttpMethod method) {
    return calls.stream().filter(call -> call.method() == method && call.byUserId() && call.item())
      .findFirst().orElseThrow().others();
  }

  private static List<String> permissionsNamed(List<Call> calls, boolean application, String unrelated) {
    Set<String> named = new LinkedHashSet<>();
    for (Call call : calls) {
      for (Rule rule : List.of(call.self(), call.others())) {
        named.addAll(application ? rule.application() : rule.delegated());
      }
    }
    named.add(unrelated);
    return List.copyOf(named);
  }

  private static List<String> directoryRolesNamed(List<Call> calls, String unrelated) {
    Set<String> named = new LinkedHashSet<>();
    calls.forEach(call -> named.addAll(call.others().directoryRoles()));
    named.add(unrelated);
    return List.copyOf(named);
  }

  private static Set<String> subset(Random random, List<String> permissions) {
    return permissions.stream().filter(permission -> random.nextBoolean()).collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** A few operations for each user, made with a token that the contract lets create them. */
  private void seedOperations(Random random, OpenAPIContract contract, String basePath, List<Principal> users) {
    Operation create = contract.operation("createMyOperation");
    String scope = Rule.of(permissions(create).getJsonObject("self")).delegated().get(0);
    for (Principal user : users) {
      String token = service.tokens.user().claim("oid", user.oid()).claim("scp", scope).sign();
      for (int i = 0, count = 2 + random.nextInt(4); i < count; i++) {
        String detail = "seeded for " + user.name() + " #" + i;
        HttpResponse<Buffer> created = service.call(HttpMethod.POST, basePath + create.getOpenAPIPath(), token,
          new JsonObject().put("status", "running").put("statusDetail", detail));
        assertThat(created.statusCode()).isEqualTo(201);
        remember(user.oid(), created.bodyAsJsonObject().getString("id"), detail);
      }
    }
  }

  /** Names a user for /users/{userId}: a user by object id (in either case) or UPN, an app, or a user with nothing. */
  private static String userIdFor(Random random, List<Principal> callers, String nobody) {
    int pick = random.nextInt(callers.size() + 1);
    if (pick == callers.size()) {
      return nobody;
    }
    Principal named = callers.get(pick);
    int form = random.nextInt(3);
    if (form == 0 && named.upn().isPresent()) {
      return random.nextBoolean() ? named.upn().get() : named.upn().get().toUpperCase(Locale.ROOT);
    }
    return form == 1 ? named.oid().toUpperCase(Locale.ROOT) : named.oid();
  }

  /** Mostly an operation of the user named, else anyone's, a deleted one or one that never was. */
  private String itemFor(Random random, String namedOwner) {
    List<String> owned = List.copyOf(detailsByOwner.getOrDefault(namedOwner, Map.of()).keySet());
    int pick = random.nextInt(100);
    if (pick < 50 && !owned.isEmpty()) {
      return owned.get(random.nextInt(owned.size()));
    }
    List<String> live = detailsByOwner.values().stream().flatMap(details -> details.keySet().stream()).toList();
    if (pick < 85 && !live.isEmpty()) {
      return live.get(random.nextInt(live.size()));
    }
    if (pick < 95 && !deletedIds.isEmpty()) {
      return deletedIds.get(random.nextInt(deletedIds.size()));
    }
    return UUID.randomUUID().toString();
  }

  /** The contract's rules (x-permissions and the description of {userId}) applied to the model. */
  private Expected expect(Call call, Principal caller, String userId, String item) {
    // /users/{userId} means the caller when it names the caller's own object id or UPN; an app-only
    // token has no signed-in user, so to it every user is another.
    boolean self = userId == null || !caller.appOnly() && (GUID.matcher(userId).matches()
      ? userId.equalsIgnoreCase(caller.oid()) : caller.upn().filter(userId::equalsIgnoreCase).isPresent());
    Rule rule = self ? call.self() : call.others();
    if (caller.appOnly() && rule.application().isEmpty()) {
      return new Expected(400, null, "badRequest");
    }
    if (!rule.grantsPermission(caller)) {
      boolean hidden = !self && call.item() && !call.readers().grantsPermission(caller);
      return hidden ? new Expected(404, null, "itemNotFound") : new Expected(403, null, "accessDenied");
    }
    if (!rule.grantsDirectoryRole(caller)) {
      return new Expected(403, null, "accessDenied");
    }
    if (!self && !GUID.matcher(userId).matches()) {
      return new Expected(404, null, "notFound");
    }
    String owner = self ? caller.oid() : userId.toLowerCase(Locale.ROOT);
    if (call.item() && !detailsByOwner.getOrDefault(owner, Map.of()).containsKey(item)) {
      return new Expected(404, owner, "itemNotFound");
    }
    int success = switch (call.method().name()) {
      case "POST" -> 201;
      case "DELETE" -> 204;
      default -> 200;
    };
    return new Expected(success, owner, null);
  }

  private static JsonObject body(Call call, Principal caller, int n) {
    String detail = call.method() + " #" + n + " by " + caller.name();
    if (call.method() == HttpMethod.POST) {
      return new JsonObject().put("status", "running").put("statusDetail", detail);
    }
    return call.method() == HttpMethod.PATCH ? new JsonObject().put("statusDetail", detail) : null;
  }

  /**
   * The heart of the test: every operation id in a response (body or Location) belongs to the user
   * the call was allowed to act on, and, when that is not the caller, the caller holds one of the
   * operation's permissions for other users. A refused call names no operation at all.
   */
  private void assertCarriesOnlyOperationsItMay(HttpResponse<Buffer> response, Call call, Principal caller,
                                                Expected expected, String what) {
    String text = (response.bodyAsString() == null ? "" : response.bodyAsString())
      + " " + Optional.ofNullable(response.getHeader("Location")).orElse("");
    Matcher guids = GUID.matcher(text);
    while (guids.find()) {
      String owner = ownerOfEveryId.get(guids.group().toLowerCase(Locale.ROOT));
      if (owner == null) {
        continue;
      }
      assertThat(expected.succeeds()).as(what + ": a refused call shows operation " + guids.group()).isTrue();
      assertThat(owner).as(what + ": shows an operation of another user than the one asked for").isEqualTo(expected.owner());
      if (!owner.equals(caller.oid())) {
        assertThat(call.others().grants(caller)).as(what + ": shows another user's operation without a .All permission")
          .isTrue();
      }
    }
  }

  /** Checks a successful answer against the model, and applies its change to the model. */
  private void checkAndApply(HttpResponse<Buffer> response, Call call, String owner, String item, JsonObject body,
                             String what) {
    Map<String, String> owned = detailsByOwner.computeIfAbsent(owner, absent -> new LinkedHashMap<>());
    if (call.count()) {
      assertThat(response.bodyAsString()).as(what).isEqualTo(String.valueOf(owned.size()));
      return;
    }
    switch (call.method().name()) {
      case "GET" -> {
        JsonObject json = response.bodyAsJsonObject();
        assertThat(json.getString("@odata.context")).as(what).contains("users('" + owner + "')");
        if (call.item()) {
          assertThat(json.getString("id")).as(what).isEqualTo(item);
          assertThat(json.getString("statusDetail")).as(what).isEqualTo(owned.get(item));
        } else {
          assertThat(json.getJsonArray("value").stream().map(entry -> ((JsonObject) entry).getString("id")).toList())
            .as(what).containsExactlyInAnyOrderElementsOf(owned.keySet());
        }
      }
      case "POST" -> {
        String id = response.bodyAsJsonObject().getString("id");
        assertThat(response.getHeader("Location")).as(what).contains("/users/" + owner + "/");
        remember(owner, id, body.getString("statusDetail"));
      }
      case "PATCH" -> owned.put(item, body.getString("statusDetail"));
      case "DELETE" -> {
        owned.remove(item);
        deletedIds.add(item);
      }
      default -> throw new AssertionError("no rule for " + call.method());
    }
  }

  private void remember(String owner, String id, String detail) {
    detailsByOwner.computeIfAbsent(owner, absent -> new LinkedHashMap<>()).put(id, detail);
    ownerOfEveryId.put(id.toLowerCase(Locale.ROOT), owner);
  }

  private Map<String, String> modelOperations() {
    Map<String, String> operations = new TreeMap<>();
    detailsByOwner.forEach((owner, details) -> details.forEach((id, detail) -> operations.put(owner + "/" + id, detail)));
    return operations;
  }

  private static Map<String, String> storedOperations() {
    Map<String, String> operations = new TreeMap<>();
    for (Row row : await(service.database.pool().query("SELECT owner_id, id, status_detail FROM operations").execute())) {
      operations.put(row.getString("owner_id") + "/" + row.getString("id"), row.getString("status_detail"));
    }
    return operations;
  }
}
