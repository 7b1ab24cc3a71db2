import { describe, expect, it } from 'vitest';
import { parseScenario, ScenarioError } from '../../../local/sim';
import { arnOf, cert, fixtureScenario, MEMBER } from './fixture';

function withMember(change: (member: Record<string, unknown>) => void): unknown {
  const scenario = fixtureScenario() as unknown as { accounts: Array<Record<string, unknown>> };
  change(scenario.accounts[1] as Record<string, unknown>);
  return scenario;
}

function errorOf(json: unknown): ScenarioError {
  try {
    parseScenario(json);
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error('expected a ScenarioError');
}

describe('parseScenario', () => {
  it('accepts a valid scenario and fills the defaults', () => {
    // Act
    const scenario = parseScenario(fixtureScenario());

    // Assess
    const legacy = scenario.accounts[2];
    expect(legacy?.roles).toEqual([{ name: 'CertAuditReadOnly', maxSessionDurationSeconds: 3600 }]);
    expect(legacy?.enabledRegions).toEqual([{ name: 'us-east-1', optStatus: 'ENABLED_BY_DEFAULT' }]);
    expect(legacy?.taggingApiDenied).toBe(false);
    expect(scenario.accounts[1]?.certificates[0]?.exported).toBe(false);
  });

  it('names the path of a bad enum value', () => {
    // Prepare
    const json = withMember((member) => {
      (member.certificates as Array<Record<string, unknown>>)[3] = {
        ...cert(MEMBER, 'eu-west-1', 4),
        keyAlgorithm: 'RSA_512',
      };
    });

    // Act
    const error = errorOf(json);

    // Assess
    expect(error.path).toBe('accounts[1].certificates[3].keyAlgorithm');
    expect(error.message).toContain('accounts[1].certificates[3].keyAlgorithm');
  });

  it('names the path of a malformed account id', () => {
    const error = errorOf(
      withMember((member) => {
        member.id = '12345';
      }),
    );
    expect(error.path).toBe('accounts[1].id');
  });

  it('names the certificate whose ARN belongs to another account', () => {
    const error = errorOf(
      withMember((member) => {
        (member.certificates as unknown[]).push(cert('999999999999', 'eu-west-1', 77));
      }),
    );
    expect(error.path).toMatch(/^accounts\[1\]\.certificates\[\d+\]\.arn$/);
    expect(error.message).toContain('999999999999');
  });

  it('rejects a certificate in a region the account has not enabled', () => {
    const error = errorOf(
      withMember((member) => {
        (member.certificates as unknown[]).push(cert(MEMBER, 'me-south-1', 78));
      }),
    );
    expect(error.message).toContain('me-south-1 is not enabled');
  });

  it('rejects CloudFront use outside us-east-1 and names the resource', () => {
    const error = errorOf(
      withMember((member) => {
        (member.certificates as Array<Record<string, unknown>>)[0] = cert(MEMBER, 'eu-west-1', 1, {
          inUseBy: [
            'arn:aws:elasticloadbalancing:eu-west-1:222222222222:loadbalancer/app/x/1',
            'arn:aws:cloudfront::222222222222:distribution/E1',
          ],
        });
      }),
    );
    expect(error.path).toBe('accounts[1].certificates[0].inUseBy[1]');
  });

  it('rejects a renewal summary on an IMPORTED certificate', () => {
    const error = errorOf(
      withMember((member) => {
        (member.certificates as Array<Record<string, unknown>>)[2] = cert(MEMBER, 'eu-west-1', 3, {
          type: 'IMPORTED',
          importedAt: '2026-10-01T00:00:00Z',
          renewal: { status: 'FAILED', updatedAt: '2026-11-01T00:00:00Z' },
        });
      }),
    );
    expect(error.path).toBe('accounts[1].certificates[2].renewal');
  });

  it('rejects duplicate certificate ARNs and a management account that is not listed', () => {
    const duplicate = errorOf(
      withMember((member) => {
        (member.certificates as unknown[]).push(cert(MEMBER, 'eu-west-1', 1));
      }),
    );
    expect(duplicate.message).toContain(`duplicate certificate ARN ${arnOf(MEMBER, 'eu-west-1', 1)}`);

    const missing = errorOf({ ...fixtureScenario(), managementAccountId: '999999999999' });
    expect(missing.path).toBe('managementAccountId');
  });

  it('requires a state or the legacy status', () => {
    const error = errorOf(
      withMember((member) => {
        delete member.state;
      }),
    );
    expect(error.path).toBe('accounts[1].state');
  });
});
