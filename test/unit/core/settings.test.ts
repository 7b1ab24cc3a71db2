/** The table of the Lambdas' settings: every variable declared once, and each one read by some Lambda. */
import { describe, expect, it } from 'vitest';
import { isAccountId, isExternalId, isRoleArn, isRoleName, isRolePathAndName } from '../../../lambdas/core/aws-ids';
import { ENV } from '../../../lambdas/core/names';
import { LAMBDA_NAMES, SETTINGS, settingsReadBy } from '../../../lambdas/core/settings';

describe('SETTINGS', () => {
  it('declares every Lambda variable of ENV exactly once', () => {
    const declared = Object.values(SETTINGS).map((setting) => setting.env);

    expect(new Set(declared).size).toBe(declared.length);
    expect([...Object.values(ENV)].sort()).toEqual(declared.filter((name) => name !== 'AWS_REGION').sort());
  });

  it('has each setting read by at least one Lambda, and its default within its range', () => {
    for (const [key, setting] of Object.entries(SETTINGS)) {
      expect(setting.readBy.length, key).toBeGreaterThan(0);
      if (setting.kind === 'wholeNumber') {
        expect(setting.default, key).toBeGreaterThanOrEqual(setting.min);
        expect(setting.default, key).toBeLessThanOrEqual(setting.max);
      }
    }
  });

  it('gives the ExternalId and the audit role to the Lambdas that assume it: ScanTarget and the event path’s', () => {
    const readers = LAMBDA_NAMES.filter((fn) => settingsReadBy(fn).includes('externalId'));

    expect(readers).toEqual(['scanTarget', 'events']);
    expect(settingsReadBy('heartbeat')).not.toContain('auditRoleName');
  });
});

describe('AWS id rules', () => {
  it('accepts account ids of exactly 12 digits only', () => {
    expect(isAccountId('012345678901')).toBe(true);
    expect(['12345678901', '1234567890123', '12345678901a', ' 123456789012'].map(isAccountId)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('accepts a role path only where a role is assumed, not where one is created', () => {
    expect(isRoleName('CertAuditReadOnly')).toBe(true);
    expect(isRoleName('/team/CertAuditReadOnly')).toBe(false);
    expect(isRolePathAndName('/team/CertAuditReadOnly')).toBe(true);
    expect(isRoleName('x'.repeat(65))).toBe(false);
  });

  it('accepts role ARNs of every partition and refuses text that only starts like one', () => {
    expect(isRoleArn('arn:aws:iam::111111111111:role/reader')).toBe(true);
    expect(isRoleArn('arn:aws-us-gov:iam::111111111111:role/path/reader')).toBe(true);
    expect(isRoleArn('arn:aws:iam::111111111111:role/has space')).toBe(false);
    expect(isRoleArn('arn:aws:iam::111111111111:user/reader')).toBe(false);
  });

  it('accepts ExternalIds of 2-1224 allowed characters', () => {
    expect(isExternalId('cert-monitor-example-3f9c2a7d')).toBe(true);
    expect(isExternalId('x')).toBe(false);
    expect(isExternalId('with space')).toBe(false);
  });
});
