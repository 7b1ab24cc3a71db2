/**
 * Why a target could not be scanned, decided once. What an AWS error code means for the monitor: the adapters classify the errors they catch with it,
 * the scanner decides from it when to stop calling, and the likely cause written on a failed target comes from it.
 * Meanings follow the AWS common-errors reference: `ExpiredToken(Exception)` is a security token past its
 * expiry (a session, not a region); `UnrecognizedClientException` / `InvalidClientTokenId` say the access key is
 * unknown where the call went, which is what a region not enabled in the account answers to any credentials;
 * `OptInRequired` says the account has not opted in; `RequestExpired` is a request signed more than 15 minutes
 * away from AWS's clock. Codes are plain strings here: the core knows no SDK. Beside them, the monitor's own codes
 * for failures that are not AWS's answer, each with its cause too.
 */

/** The scan of a target or an account did not finish: its child execution failed or timed out. */
export const SCAN_DID_NOT_COMPLETE = 'ScanDidNotComplete';
/** The invocation's time ran out before every certificate was described. */
export const TIME_BUDGET_EXHAUSTED = 'TimeBudgetExhausted';
/** A region's scan failed in a way the scanner did not expect (a bug, not an AWS answer). */
export const SCAN_FAILED = 'ScanFailed';
/** The error code of a target whose scan read ACM but could not read or store its state in the monitor's table. */
export const STATE_TABLE_FAILED = 'MonitorStateTableFailed';
/** What a state store throws (lambdas/aws/store/errors.ts), should it reach a target result unclassified. */
export const STATE_STORE_ERROR_NAME = 'StateStoreError';

const MONITOR_CAUSES = new Map<string, string>(
  Object.entries({
    [SCAN_DID_NOT_COMPLETE]:
      "the scan's child execution failed or timed out; see the ScanTarget logs for this account, the next run usually succeeds",
    [TIME_BUDGET_EXHAUSTED]:
      'the scan ran out of time before describing every certificate; the next run continues, raise the describe rate if it repeats',
    [SCAN_FAILED]: 'the scanner failed unexpectedly; see the ScanTarget logs for this account and region',
    [STATE_TABLE_FAILED]:
      "the monitor's own state table was busy or failing, not this account; the next run stores the scan",
    [STATE_STORE_ERROR_NAME]:
      "the monitor's own state table was busy or failing, not this account; the next run stores the scan",
  }),
);

export const AWS_ERROR_KINDS = [
  'accessDenied',
  'notEnabled',
  'expiredCredentials',
  'requestExpired',
  'throttled',
  'network',
  'other',
] as const;
export type AwsErrorKind = (typeof AWS_ERROR_KINDS)[number];

const CODES: Record<Exclude<AwsErrorKind, 'other'>, readonly string[]> = {
  /** Refused for lack of permission (each service spells it its own way). */
  accessDenied: ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Forbidden', 'NotAuthorized'],
  /** The credentials are unknown where the call went: an opt-in region the account has not enabled. */
  notEnabled: ['UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidToken', 'AuthFailure', 'OptInRequired'],
  /** The session's security token is past its expiry. */
  expiredCredentials: ['ExpiredToken', 'ExpiredTokenException'],
  /** The request's date is more than 15 minutes from AWS's clock. */
  requestExpired: ['RequestExpired', 'RequestTimeTooSkewed'],
  /** The call exceeded a rate or a quota; the SDK's retries did not absorb it. */
  throttled: [
    'ThrottlingException',
    'Throttling',
    'TooManyRequestsException',
    'RequestLimitExceeded',
    'RequestThrottled',
    'RequestThrottledException',
    'ThrottledException',
    'LimitExceededException',
    'ProvisionedThroughputExceededException',
    'SlowDown',
  ],
  /** No answer: Node's network errors and the SDK's timeout. */
  network: ['TimeoutError', 'ETIMEDOUT', 'ECONNRESET', 'ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND', 'EPIPE'],
};

const KIND_BY_CODE = new Map<string, AwsErrorKind>(
  Object.entries(CODES).flatMap(([kind, codes]) => codes.map((code) => [code, kind as AwsErrorKind] as const)),
);

export function awsErrorKind(code: string | undefined): AwsErrorKind {
  return (code !== undefined && KIND_BY_CODE.get(code)) || 'other';
}

/**
 * The account or region will refuse every further call of this kind with these credentials: stop making them
 * (the first refusal is the gap already recorded).
 */
export function refusesFurtherCalls(code: string): boolean {
  const kind = awsErrorKind(code);
  return kind === 'accessDenied' || kind === 'notEnabled' || kind === 'expiredCredentials';
}

/** What most likely caused a failure of each kind, and what to check: one sentence for on-call. */
export const LIKELY_CAUSES: Record<AwsErrorKind, string> = {
  accessDenied:
    'the audit role lacks a permission or an SCP denies it; check the role policy and the SCPs on the account',
  notEnabled:
    'the region is probably not enabled in this account (opt-in region); enable it or exclude it from the scan',
  expiredCredentials: 'the assumed-role session expired during the scan; the next run usually succeeds',
  requestExpired:
    "the request reached AWS more than 15 minutes after it was signed (the host's clock is off, or the call waited that long); the next run usually succeeds",
  throttled: 'AWS throttled the scan; lower the describe concurrency if it repeats',
  network: 'the AWS endpoint did not answer in time; the next run usually succeeds',
  other: 'see the AWS error message and the ScanTarget logs for this account and region',
};

/**
 * The likely cause of a refusal of `action`, from the AWS message where AWS says which policy refused: the
 * message is read here, where the error is caught, and the cause travels on from there.
 */
export function accessDeniedCause(action: string, awsMessage: string): string {
  if (/service control policy/i.test(awsMessage)) {
    return `an SCP denies the audit role ${action}; allow the audit role's read-only actions in the SCP`;
  }
  if (/no session policy allows/i.test(awsMessage)) {
    return `the calling function made a call its session policy does not name (${action}): a code change added an AWS call without declaring its action (lambdas/aws/permissions.ts)`;
  }
  return `the audit role does not allow ${action}, or a service control policy denies it; redeploy the audit role StackSet and check SCPs`;
}

/**
 * The cause an adapter writes on the error of a call to `action` it caught: a refusal names the action and the
 * policy AWS blamed, a region not enabled or an expired session says so; anything else is told by its code later.
 */
export function adapterCause(code: string, action: string, awsMessage: string): string | undefined {
  const kind = awsErrorKind(code);
  if (kind === 'accessDenied') return accessDeniedCause(action, awsMessage);
  if (kind === 'notEnabled' || kind === 'expiredCredentials') return LIKELY_CAUSES[kind];
  return undefined;
}

/** The likely cause of a failure of `code` when the place that caught it knows nothing more specific. */
export function likelyCauseOf(code: string | undefined): string {
  return (code !== undefined && MONITOR_CAUSES.get(code)) || LIKELY_CAUSES[awsErrorKind(code)];
}

/**
 * The cause to show for a failure: the one written where it was caught, or, for a result recorded before results
 * carried one, the cause of its code.
 */
export function likelyCauseFor(failure: { errorCode?: string; likelyCause?: string }): string {
  return failure.likelyCause ?? likelyCauseOf(failure.errorCode);
}
