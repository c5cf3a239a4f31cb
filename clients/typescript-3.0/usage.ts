// Code written against the client that openapi-typescript-codegen, which reads OpenAPI 3.0,
// generates from the contract's 3.0 rendition, as a partner would write it. `make lint` only
// type-checks it (scripts/check-openapi-3.0.sh); it is never run. What 3.1 says in its own words
// must reach this client in 3.0's: a nullable property takes null, a const is its one value.
import {
  ApiError,
  LroClient,
  type longRunningOperation,
  type longRunningOperationCollectionResponse,
  type ODataError,
} from "lro-client-3.0";

/**
 * An answer as its success type. The contract declares a default error (ODataError) on every
 * operation, which this generator adds to each call's result type; the client throws ApiError for
 * an error status, so an ODataError here means the answer did not match the contract.
 */
function answer<T extends object>(result: T | ODataError): T {
  if ("error" in result) {
    throw new Error(`an error body in a success answer: ${result.error.code}`);
  }
  return result;
}

export function lroClient(baseUrl: string, token: () => Promise<string>): LroClient {
  return new LroClient({ BASE: baseUrl, TOKEN: async () => token() });
}

/** Records that a password reset has started, and returns the operation's id. */
export async function startPasswordReset(client: LroClient, methodUrl: string, retryKey: string): Promise<string> {
  const created: longRunningOperation = answer(await client.operations.createMyOperation({
    idempotencyKey: retryKey,
    requestBody: {
      "@odata.type": "#microsoft.graph.longRunningOperation",
      status: "running",
      statusDetail: "Resetting the password",
      resourceLocation: methodUrl,
    },
  }));
  if (created.id === undefined) {
    throw new Error("the service answers every operation with its id");
  }
  return created.id;
}

/** Marks an operation done and clears its detail: null is a value that 3.0's nullable allows. */
export async function finish(client: LroClient, id: string): Promise<longRunningOperation> {
  return answer(await client.operations.updateMyOperation({
    longRunningOperationId: id,
    requestBody: { status: "succeeded", statusDetail: null },
  }));
}

/** The operation's status, or null when it no longer exists. */
export async function statusOf(client: LroClient, id: string): Promise<longRunningOperation["status"] | null> {
  try {
    const operation = answer(await client.operations.getMyOperation({ longRunningOperationId: id, select: ["status"] }));
    return operation.status ?? null;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      const error: ODataError = e.body;
      console.warn(error.error.code, error.error.message);
      return null;
    }
    throw e;
  }
}

/** Every running operation of a user, newest first, page by page along @odata.nextLink. */
export async function runningOperations(client: LroClient, userId: string): Promise<longRunningOperation[]> {
  const all: longRunningOperation[] = [];
  let skiptoken: string | undefined;
  do {
    const page: longRunningOperationCollectionResponse = answer(await client.operations.listUserOperations({
      userId,
      filter: "status eq 'running'",
      orderby: ["createdDateTime desc"],
      top: 50,
      count: true,
      skiptoken,
    }));
    all.push(...page.value);
    const next = page["@odata.nextLink"];
    skiptoken = next === undefined ? undefined : new URL(next).searchParams.get("$skiptoken") ?? undefined;
  } while (skiptoken !== undefined);
  return all;
}

// What the types refuse: each line must be a compile error, or tsc fails on the directive itself.
export async function refused(client: LroClient): Promise<void> {
  // @ts-expect-error notstarted is read as notStarted, but it is no member of the enum
  await client.operations.createMyOperation({ requestBody: { status: "notstarted" } });
  // @ts-expect-error @odata.type is a const: one value only
  await client.operations.createMyOperation({ requestBody: { "@odata.type": "#microsoft.graph.user" } });
  // @ts-expect-error $orderby takes the contract's sort keys only
  await client.operations.listMyOperations({ orderby: ["createdDateTime sideways"] });
  // @ts-expect-error $top is a number
  await client.operations.listMyOperations({ top: "50" });
  // @ts-expect-error createdDateTime is the server's: read-only on the returned operation
  answer(await client.operations.getMyOperation({ longRunningOperationId: "x" })).createdDateTime = "2026-12-06T00:00:00Z";
}
