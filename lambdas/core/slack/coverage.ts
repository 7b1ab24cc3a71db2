/**
 * Why a target could not be scanned, in words on-call can act on. Shared by the digest's coverage section and the
 * COVERAGE_GAP alert.
 */

import { isStateTableFailure } from '../monitor-health';

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Forbidden']);
const INVALID_TOKEN = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'AuthFailure',
  'InvalidToken',
  'OptInRequired',
]);
const EXPIRED_TOKEN = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);
const THROTTLED = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded']);
const NETWORK = new Set(['TimeoutError', 'ETIMEDOUT', 'ECONNRESET', 'ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND']);

/** The likely cause of a failed scan, from the AWS error code and message. */
export function likelyCoverageCause(errorCode: string | undefined, errorMessage = ''): string {
  const code = errorCode ?? '';
  if (isStateTableFailure({ errorCode: code })) {
    return "the monitor's own state table was busy or failing, not this account; the next run stores the scan";
  }
  if (ACCESS_DENIED.has(code)) {
    // AssumeRole first: the refusal's own message lists an SCP among its possible causes.
    if (/AssumeRole/i.test(errorMessage)) {
      return 'the audit role is missing in this account (StackSet not deployed there), does not trust the hub, or the ExternalId differs; an SCP denying sts:AssumeRole is also possible';
    }
    if (/service control policy/i.test(errorMessage)) {
      return "an SCP denies the audit role this call; allow the audit role's read-only ACM actions and account:ListRegions in the SCP";
    }
    if (/no session policy allows/i.test(errorMessage)) {
      return 'the calling function made a call its session policy does not name: a code change added an AWS call without declaring its action (lambdas/aws/permissions.ts)';
    }
    return 'the audit role lacks a permission or an SCP denies it; check the role policy and the SCPs on the account';
  }
  if (INVALID_TOKEN.has(code)) {
    return 'the region is probably not enabled for this account (opt-in region); enable it or exclude it from the scan';
  }
  if (EXPIRED_TOKEN.has(code)) return 'the assumed-role session expired during the scan; the next run usually succeeds';
  if (THROTTLED.has(code)) return 'AWS throttled the scan; lower the describe concurrency if it repeats';
  if (NETWORK.has(code)) return 'the AWS endpoint did not answer in time; the next run usually succeeds';
  return 'see the ScanTarget logs for this account and region';
}
