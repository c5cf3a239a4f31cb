// Code written against the generated TypeScript client as a partner would write it. `make lint`
// only type-checks it (scripts/check-typescript-client.sh); it is never run. If a change to
// openapi.yaml changes what partners must write, this stops compiling.
import {
  Configuration,
  ListOperationsOrderbyEnum,
  GetOperationSelectEnum,
  LongRunningOperationStatus,
  OperationsApi,
  ResponseError,
  type LongRunningOperation,
  type LongRunningOperationCollectionResponse,
  type ODataError,
} from "lro-client";

export function operationsApi(baseUrl: string, token: () => Promise<string>): OperationsApi {
  return new OperationsApi(new Configuration({ basePath: baseUrl, accessToken: token }));
}

/** Records that a password reset has started, and returns the operation's id. */
export async function startPasswordReset(api: OperationsApi, methodUrl: string, retryKey: string): Promise<string> {
  const created: LongRunningOperation = await api.createOperation({
    idempotencyKey: retryKey,
    longRunningOperation: {
      status: LongRunningOperationStatus.Running,
      statusDetail: "Resetting the password",
      resourceLocation: methodUrl,
    },
  });
  if (created.id === undefined) {
    throw new Error("the service answered a create without an id");
  }
  return created.id;
}

/** One model to read and to write: the operation as read, with its status edited, is the update's body. */
export async function finish(api: OperationsApi, id: string, outcome: string): Promise<LongRunningOperationStatus | undefined> {
  const operation: LongRunningOperation = await api.getOperation({ longRunningOperationId: id });
  operation.status = LongRunningOperationStatus.Succeeded;
  operation.statusDetail = outcome;
  // 200 with the operation, or 204 without a body under Prefer: return=minimal.
  const updated = await api.updateOperation({ longRunningOperationId: id, longRunningOperation: operation });
  return updated?.status;
}

/** The operation's status, or null when it no longer exists. */
export async function statusOf(api: OperationsApi, id: string): Promise<LongRunningOperationStatus | null> {
  try {
    const operation = await api.getOperation({ longRunningOperationId: id, $select: [GetOperationSelectEnum.Status] });
    return operation.status ?? null;
  } catch (e) {
    if (e instanceof ResponseError && e.response.status === 404) {
      const error: ODataError = await e.response.json();
      console.warn(error.error.code, error.error.message);
      return null;
    }
    throw e;
  }
}

/** Every running operation, newest first, page by page along @odata.nextLink. */
export async function runningOperations(api: OperationsApi): Promise<LongRunningOperation[]> {
  const all: LongRunningOperation[] = [];
  let skiptoken: string | undefined;
  do {
    const page: LongRunningOperationCollectionResponse = await api.listOperations({
      $filter: "status eq 'running'",
      $orderby: [ListOperationsOrderbyEnum.CreatedDateTimeDesc],
      $top: 50,
      $count: true,
      $skiptoken: skiptoken,
    });
    all.push(...page.value);
    const next = page.odataNextLink;
    skiptoken = next === undefined ? undefined : new URL(next).searchParams.get("$skiptoken") ?? undefined;
  } while (skiptoken !== undefined);
  return all;
}

/** A final operation is one of these two; the types say so. */
export function isFinal(operation: LongRunningOperation): boolean {
  return operation.status === LongRunningOperationStatus.Succeeded
    || operation.status === LongRunningOperationStatus.Failed;
}

// What the types refuse: each line must be a compile error, or tsc fails on the directive itself.
export async function refused(api: OperationsApi): Promise<void> {
  // @ts-expect-error the status is Graph's enum, one member per status: no second spelling
  await api.createOperation({ longRunningOperation: { status: "notstarted" } });
  // @ts-expect-error $orderby takes the contract's sort keys only
  await api.listOperations({ $orderby: ["createdDateTime sideways"] });
  // @ts-expect-error $top is a number
  await api.listOperations({ $top: "50" });
  // @ts-expect-error createdDateTime is the server's: read-only on the returned operation
  (await api.getOperation({ longRunningOperationId: "x" })).createdDateTime = new Date();
}
