/**
 * The base of the adapters' typed errors: each carries the account, the region and the AWS error code that caused
 * it, so one bad account or region is recorded as such and the others go on.
 */

export interface AdapterErrorDetails {
  accountId: string;
  /** WHOLE_ACCOUNT when the error concerns the whole account (AssumeRole, ListRegions). */
  region: string;
  /** The AWS error code (`AccessDenied`, `ThrottlingException`, ...), or a name of ours when AWS gave none. */
  code: string;
  /** `Service.Operation` that failed. */
  operation: string;
  /** What most likely caused it and what to check, for the report and the coverage-gap alert. */
  likelyCause?: string;
  cause?: unknown;
}

export class AwsAdapterError extends Error {
  readonly accountId: string;
  readonly region: string;
  readonly code: string;
  readonly operation: string;
  readonly likelyCause?: string;

  constructor(message: string, details: AdapterErrorDetails) {
    super(details.likelyCause ? `${message}: ${details.likelyCause}` : message, { cause: details.cause });
    this.name = new.target.name;
    this.accountId = details.accountId;
    this.region = details.region;
    this.code = details.code;
    this.operation = details.operation;
    if (details.likelyCause !== undefined) this.likelyCause = details.likelyCause;
  }
}

/**
 * The AWS error code of an adapter error, of an SDK error (its `name`), or of a Node network error
 * (`ECONNREFUSED`, ...); `fallback` for a plain error that carries no code (a bug, not an answer of AWS).
 */
export function awsErrorCode(error: unknown, fallback = 'UnknownError'): string {
  if (error instanceof AwsAdapterError) return error.code;
  if (error instanceof Error) {
    const networkCode = (error as Error & { code?: unknown }).code;
    if (error.name === 'Error') return typeof networkCode === 'string' ? networkCode : fallback;
    return error.name || fallback;
  }
  return fallback;
}

export function awsErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
