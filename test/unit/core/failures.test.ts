import { describe, expect, it } from 'vitest';
import {
  accessDeniedCause,
  adapterCause,
  awsErrorKind,
  LIKELY_CAUSES,
  likelyCauseFor,
  likelyCauseOf,
  refusesFurtherCalls,
  SCAN_DID_NOT_COMPLETE,
  STATE_TABLE_FAILED,
} from '../../../lambdas/core/failures';

describe('awsErrorKind', () => {
  it('reads an expired token as an expired session, not as a region that is not enabled', () => {
    expect(awsErrorKind('ExpiredToken')).toBe('expiredCredentials');
    expect(awsErrorKind('ExpiredTokenException')).toBe('expiredCredentials');
    expect(likelyCauseOf('ExpiredToken')).toMatch(/session expired/);
  });

  it('reads an unknown access key as a region not enabled in the account', () => {
    for (const code of ['UnrecognizedClientException', 'InvalidClientTokenId', 'AuthFailure', 'OptInRequired']) {
      expect(awsErrorKind(code)).toBe('notEnabled');
    }
    expect(likelyCauseOf('UnrecognizedClientException')).toMatch(/region is probably not enabled/);
  });

  it('reads RequestExpired as a clock or a delay, not as an expired session', () => {
    expect(awsErrorKind('RequestExpired')).toBe('requestExpired');
    expect(likelyCauseOf('RequestExpired')).toMatch(/15 minutes/);
  });

  it('tells throttling, network failures and unknown codes apart', () => {
    expect(awsErrorKind('ThrottlingException')).toBe('throttled');
    expect(awsErrorKind('ECONNRESET')).toBe('network');
    expect(awsErrorKind('ValidationException')).toBe('other');
    expect(awsErrorKind(undefined)).toBe('other');
    expect(awsErrorKind('toString')).toBe('other');
  });
});

describe('refusesFurtherCalls', () => {
  it('stops after a refusal, an unknown or an expired token, and goes on after a throttle', () => {
    expect(refusesFurtherCalls('AccessDeniedException')).toBe(true);
    expect(refusesFurtherCalls('UnrecognizedClientException')).toBe(true);
    expect(refusesFurtherCalls('ExpiredTokenException')).toBe(true);
    expect(refusesFurtherCalls('ThrottlingException')).toBe(false);
  });
});

describe('accessDeniedCause', () => {
  it('blames an SCP when AWS says one denied the call', () => {
    const message =
      'User is not authorized to perform: acm:ListCertificates with an explicit deny in a service control policy';

    expect(accessDeniedCause('acm:ListCertificates', message)).toMatch(/^an SCP denies the audit role/);
  });

  it("points at an undeclared action when the function's own session policy refused the call", () => {
    const message =
      'User: arn:aws:sts::1:assumed-role/R/s is not authorized to perform: acm:GetCertificate because no session policy allows the acm:GetCertificate action';

    expect(accessDeniedCause('acm:GetCertificate', message)).toMatch(/session policy does not name/);
  });

  it('names the action the audit role lacks otherwise', () => {
    expect(accessDeniedCause('account:ListRegions', 'not authorized')).toMatch(/does not allow account:ListRegions/);
  });
});

describe('likelyCauseFor', () => {
  it('keeps the cause written where the error was caught', () => {
    expect(likelyCauseFor({ errorCode: 'AccessDenied', likelyCause: 'the audit role is missing' })).toBe(
      'the audit role is missing',
    );
  });

  it("derives the cause from the code for a result recorded without one, the monitor's own codes included", () => {
    expect(likelyCauseFor({ errorCode: 'AccessDenied' })).toBe(LIKELY_CAUSES.accessDenied);
    expect(likelyCauseFor({ errorCode: STATE_TABLE_FAILED })).toMatch(/state table/);
    expect(likelyCauseFor({ errorCode: SCAN_DID_NOT_COMPLETE })).toMatch(/child execution/);
  });
});

describe('adapterCause', () => {
  it('writes a cause for refusals, regions not enabled and expired sessions, and leaves the rest to the code', () => {
    expect(adapterCause('AccessDeniedException', 'acm:ListCertificates', 'not authorized')).toMatch(
      /does not allow acm:ListCertificates/,
    );
    expect(adapterCause('UnrecognizedClientException', 'acm:ListCertificates', '')).toBe(LIKELY_CAUSES.notEnabled);
    expect(adapterCause('ExpiredToken', 'account:ListRegions', '')).toBe(LIKELY_CAUSES.expiredCredentials);
    expect(adapterCause('ThrottlingException', 'acm:ListCertificates', '')).toBeUndefined();
  });
});
