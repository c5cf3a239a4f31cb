package com.contoso.lro.http;

import com.contoso.lro.ServiceTest;
import com.contoso.lro.TestTokens;
import com.contoso.lro.TestTokens.Token;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graph's permissions for every call, grant, directory role and target, as issues 3 and 17 state
 * them: reads of one's own operations need any UserAuthenticationMethod permission, of another
 * user's a .All one; writes need ReadWrite on one's own and ReadWrite.All on anyone's; app-only
 * tokens act on /users/{id} only; another user's item is a 404 to whoever may not read it; and a
 * delegated token acting on another user also needs the signed-in user to be Global Reader (to
 * read), or Authentication Administrator, Privileged Authentication Administrator or Global
 * Administrator (to read and write), else 403.
 */
class PermissionMatrixTest extends ServiceTest {

  private static final String P = "UserAuthenticationMethod.";
  private static final Set<String> READ_SELF = Set.of(P + "Read", P + "ReadWrite", P + "Read.All", P + "ReadWrite.All");
  private static final Set<String> READ_OTHERS = Set.of(P + "Read.All", P + "ReadWrite.All");
  private static final Set<String> WRITE_SELF = Set.of(P + "ReadWrite", P + "ReadWrite.All");
  private static final Set<String> WRITE_OTHERS = Set.of(P + "ReadWrite.All");
  private static final Set<Role> READ_OTHERS_ROLES = Set.of(Role.GLOBAL_READER, Role.AUTHENTICATION_ADMINISTRATOR,
    Role.PRIVILEGED_AUTHENTICATION_ADMINISTRATOR, Role.GLOBAL_ADMINISTRATOR);
  private static final Set<Role> WRITE_OTHERS_ROLES = Set.of(Role.AUTHENTICATION_ADMINISTRATOR,
    Role.PRIVILEGED_AUTHENTICATION_ADMINISTRATOR, Role.GLOBAL_ADMINISTRATOR);

  /** The owner and the other user whose items the read calls read: reads change nothing, so they share them. */
  private static Token reader;
  private static String readerItem;
  private static Token readOther;
  private static String readOtherItem;

  enum Call {
    LIST(HttpMethod.GET, "", false, false, 200),
    COUNT(HttpMethod.GET, "/$count", false, false, 200),
    GET(HttpMethod.GET, "/{id}", false, true, 200),
    CREATE(HttpMethod.POST, "", true, false, 201),
    UPDATE(HttpMethod.PATCH, "/{id}", true, true, 200),
    DELETE(HttpMethod.DELETE, "/{id}", true, true, 204);

    final HttpMethod method;
    final String suffix;
    final boolean write;
    final boolean item;
    final int success;

    Call(HttpMethod method, String suffix, boolean write, boolean item, int success) {
      this.method = method;
      this.suffix = suffix;
      this.write = write;
      this.item = item;
      this.success = success;
    }
  }

  enum Target { ME, USER, SELF_BY_ID, OTHER }

  /** A directory role of the signed-in user, in the token's wids claim, or none. */
  enum Role {
    NONE(null),
    USER_ADMINISTRATOR(TestTokens.USER_ADMINISTRATOR),
    GLOBAL_READER(TestTokens.GLOBAL_READER),
    AUTHENTICATION_ADMINISTRATOR(TestTokens.AUTHENTICATION_ADMINISTRATOR),
    PRIVILEGED_AUTHENTICATION_ADMINISTRATOR(TestTokens.PRIVILEGED_AUTHENTICATION_ADMINISTRATOR),
    GLOBAL_ADMINISTRATOR(TestTokens.GLOBAL_ADMINISTRATOR);

    final String templateId;

    Role(String templateId) {
      this.templateId = templateId;
    }
  }

  record Grant(boolean appOnly, List<String> permissions, Role role) {
    @Override
    public String toString() {
      return (appOnly ? "roles " : "scp ") + permissions + (role == Role.NONE ? "" : " wids " + role);
    }

    List<String> wids() {
      return role == Role.NONE ? List.of() : List.of(role.templateId);
    }
  }

  /** Over HTTP: no role, a reader's and an administrator's; PermissionCheckTest takes every role. */
  static Stream<Arguments> cases() {
    return cases(List.of(Role.NONE, Role.GLOBAL_READER, Role.AUTHENTICATION_ADMINISTRATOR));
  }

  static Stream<Arguments> everyRoleCases() {
    return cases(List.of(Role.values()));
  }

  private static Stream<Arguments> cases(List<Role> roles) {
    List<Grant> grants = new ArrayList<>();
    for (Role role : roles) {
      for (String scope : List.of("User.Read", P + "Read", P + "ReadWrite", P + "Read.All", P + "ReadWrite.All")) {
        grants.add(new Grant(false, List.of(scope), role));
      }
      // Entra puts wids in an app's token too when its service principal holds a role: it changes nothing.
      for (String appRole : List.of("Directory.Read.All", P + "Read.All", P + "ReadWrite.All")) {
        grants.add(new Grant(true, List.of(appRole), role));
      }
    }
    List<Arguments> cases = new ArrayList<>();
    for (Grant grant : grants) {
      for (Target target : Target.values()) {
        for (Call call : Call.values()) {
          cases.add(Arguments.of(grant, target, call, expected(grant, target, call)));
        }
      }
    }
    return cases.stream();
  }

  /** The rules of issues 3 and 17, written out independently of the service's x-permissions. */
  private static int expected(Grant grant, Target target, Call call) {
    if (grant.appOnly() && target != Target.OTHER && target != Target.SELF_BY_ID) {
      return 400;
    }
    // An app-only token has no signed-in user: every /users/{id} is someone else's to it.
    boolean self = target != Target.OTHER && !grant.appOnly();
    Set<String> needed = call.write ? (self ? WRITE_SELF : WRITE_OTHERS) : (self ? READ_SELF : READ_OTHERS);
    if (grant.permissions().stream().noneMatch(needed::contains)) {
      // Another user's item is hidden from whoever may not read it; one who may read it is told no.
      boolean hidden = !self && call.item && grant.permissions().stream().noneMatch(READ_OTHERS::contains);
      return hidden ? 404 : 403;
    }
    // A signed-in user acts on another user only as an administrator; an app in its own right.
    if (!self && !grant.appOnly() && !(call.write ? WRITE_OTHERS_ROLES : READ_OTHERS_ROLES).contains(grant.role())) {
      return 403;
    }
    return call.success;
  }

  @BeforeAll
  static void seedReads() {
    reader = user();
    readerItem = create(reader.sign());
    readOther = user();
    readOtherItem = create(readOther.sign());
  }

  @ParameterizedTest(name = "{0} {2} on {1} → {3}")
  @MethodSource("cases")
  void each_call_is_allowed_exactly_as_graph_allows_it(Grant grant, Target target, Call call, int expected) {
    Token owner = call.write ? user() : reader;
    String ownItem = call.write ? create(owner.sign()) : readerItem;
    Token other = call.write ? user() : readOther;
    String otherItem = call.write ? create(other.sign()) : readOtherItem;
    Token caller = grant.appOnly()
      ? user().appOnly(grant.permissions().toArray(String[]::new))
      : user().claim("oid", owner.oid()).claim("scp", String.join(" ", grant.permissions()));
    if (grant.role() != Role.NONE) {
      caller.directoryRoles(grant.wids().toArray(String[]::new));
    }
    String root = switch (target) {
      case ME -> "/beta/me";
      case USER -> "/beta/user";
      case SELF_BY_ID -> "/beta/users/" + owner.oid();
      case OTHER -> "/beta/users/" + other.oid();
    };
    String targetOid = target == Target.OTHER ? other.oid() : owner.oid();
    String item = target == Target.OTHER ? otherItem : ownItem;

    HttpResponse<Buffer> response = service.call(call.method,
      root + "/authentication/operations" + call.suffix.replace("{id}", item), caller.sign(),
      call.method == HttpMethod.POST ? new JsonObject()
        : call.method == HttpMethod.PATCH ? new JsonObject().put("status", "failed") : null);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(expected);
    if (expected == 403) {
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("accessDenied");
    }
    if (expected == 404) {
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("itemNotFound");
    }
    if (expected >= 400 && call.write) {
      assertThat(service.storedRow(targetOid, item)).as("a refused write leaves the item").isNotNull();
      assertThat(service.storedRow(targetOid, item).getString("status")).as("a refused write leaves it as it was")
        .isEqualTo("running");
      assertThat(service.storedCount(targetOid)).as("a refused write adds nothing").isEqualTo(1);
    }
  }

  /**
   * A user's token signed ES256: the matrix signs about 1,150 tokens, and without C2 an RS256
   * signature costs several times as much CPU (README.md, Tests); what a token may do does not
   * depend on how it is signed.
   */
  private static Token user() {
    return service.tokens.user().signedWith(service.tokens.ec);
  }

  private static String create(String token) {
    HttpResponse<Buffer> created = service.create(token, new JsonObject().put("status", "running"));
    assertThat(created.statusCode()).isEqualTo(201);
    return created.bodyAsJsonObject().getString("id");
  }
}
