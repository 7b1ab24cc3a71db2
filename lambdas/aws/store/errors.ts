/** The state store's one error type: which operation failed, on which table, and the AWS error code behind it. */
import { awsErrorKind } from '../../core/failures';
export class StateStoreError extends Error {
  override readonly name = 'StateStoreError';
  /** The AWS error name (e.g. `ResourceNotFoundException`), or the store's own code for its own failures. */
  readonly code: string;
  /** True when the table does not exist (a deployment or CLI-flag problem, not a transient one). */
  readonly tableMissing: boolean;

  constructor(
    readonly operation: string,
    readonly tableName: string,
    code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.tableMissing = code === 'ResourceNotFoundException';
  }

  /** Wraps whatever the SDK threw into a StateStoreError with a message that says what to do. */
  static from(operation: string, tableName: string, error: unknown): StateStoreError {
    if (error instanceof StateStoreError) return error;
    const code = error instanceof Error ? error.name : 'UnknownError';
    const detail = error instanceof Error ? error.message : String(error);
    const message =
      code === 'ResourceNotFoundException'
        ? `table ${tableName} not found: create it with \`npx cdk deploy\` (the hub stack owns it) or pass --state-table ${tableName} to let the CLI create it`
        : `${operation} on table ${tableName} failed: ${code}: ${detail}`;
    return new StateStoreError(operation, tableName, code, message, { cause: error });
  }
}

/** DynamoDB's answer to a conditional write whose condition did not hold. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** DynamoDB's 5xx answers; throttling and network failures are classified with every other AWS code. */
const SERVER_ERROR_NAMES = new Set(['InternalServerError', 'ServiceUnavailable']);

/**
 * A failure of the table that a later attempt may not meet: throttling, a 5xx, a lost connection. A conditional
 * check, a validation error or a missing table are not: sending them again gets the same answer.
 */
export function isRetryableStoreError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { code?: unknown; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode;
  return (
    SERVER_ERROR_NAMES.has(e.name) ||
    awsErrorKind(e.name) === 'throttled' ||
    e.name === 'TimeoutError' ||
    e.$retryable !== undefined ||
    status === 429 ||
    (status !== undefined && status >= 500) ||
    // A name that does not resolve is a wrong endpoint, not a passing failure: sending again gets the same answer.
    (typeof e.code === 'string' && awsErrorKind(e.code) === 'network' && e.code !== 'ENOTFOUND')
  );
}
