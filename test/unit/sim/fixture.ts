/**
 * A small hand-written organization whose every certificate is known, so tests can assert exact answers.
 */
import type { ScenarioCertificateInput, ScenarioInput } from '../../../local/sim';

export const START = '2026-12-01T00:00:00.000Z';
export const MANAGEMENT = '111111111111';
export const MEMBER = '222222222222';
export const LEGACY = '333333333333';
export const TAGGING_DENIED = '444444444444';
export const SUSPENDED = '555555555555';
export const EXTERNAL_ID = 'ext-123';
export const ALL_KEY_TYPES = [
  'RSA_1024',
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'EC_prime256v1',
  'EC_secp384r1',
  'EC_secp521r1',
] as const;
export const ALL_ORIGINS = ['AWS_MANAGED', 'CUSTOMER_PROVIDED', 'ACME'] as const;

export function arnOf(accountId: string, region: string, n: number): string {
  return `arn:aws:acm:${region}:${accountId}:certificate/00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

export function cert(
  accountId: string,
  region: string,
  n: number,
  overrides: Partial<ScenarioCertificateInput> = {},
): ScenarioCertificateInput {
  return {
    arn: arnOf(accountId, region, n),
    domainName: `c${n}.example.com`,
    subjectAlternativeNames: [`c${n}.example.com`],
    type: 'AMAZON_ISSUED',
    status: 'ISSUED',
    keyAlgorithm: 'RSA_2048',
    notBefore: '2026-10-01T00:00:00.000Z',
    notAfter: '2027-04-17T00:00:00.000Z',
    renewalEligibility: 'ELIGIBLE',
    inUseBy: [`arn:aws:elasticloadbalancing:${region}:${accountId}:loadbalancer/app/lb${n}/0123456789abcdef`],
    tags: { owner: 'team-a' },
    issuer: 'Amazon',
    ...overrides,
  };
}

const imported = {
  type: 'IMPORTED',
  importedAt: '2026-10-01T01:00:00.000Z',
  renewalEligibility: 'INELIGIBLE',
} as const;

/**
 * MEMBER eu-west-1, in creation order: six certificates ListCertificates shows by default (1, 3, 9, 10, 11, 12)
 * and six it hides (2, 4, 5, 6, 7 by key type; 8 by ACME origin).
 */
export const MEMBER_EU_DEFAULT_VISIBLE = [1, 3, 9, 10, 11, 12];
export const MEMBER_EU_HIDDEN = [2, 4, 5, 6, 7, 8];
/** MEMBER us-east-1 holds this many certificates; every tenth (n % 10 === 0) was never tagged. */
export const MEMBER_US_COUNT = 250;

export function fixtureScenario(): ScenarioInput {
  const eu = 'eu-west-1';
  const memberEu: ScenarioCertificateInput[] = [
    cert(MEMBER, eu, 1, {
      renewal: { status: 'PENDING_AUTO_RENEWAL', updatedAt: '2026-11-20T00:00:00.000Z' },
      domainValidationOptions: [
        {
          domainName: 'c1.example.com',
          validationStatus: 'SUCCESS',
          resourceRecord: { name: '_abc.c1.example.com.', value: '_def.acm-validations.aws.' },
        },
      ],
    }),
    cert(MEMBER, eu, 2, { keyAlgorithm: 'EC_prime256v1' }),
    cert(MEMBER, eu, 3, { ...imported, keyAlgorithm: 'RSA_1024', issuer: 'R11' }),
    cert(MEMBER, eu, 4, { ...imported, keyAlgorithm: 'RSA_3072' }),
    cert(MEMBER, eu, 5, { ...imported, keyAlgorithm: 'RSA_4096' }),
    cert(MEMBER, eu, 6, { keyAlgorithm: 'EC_secp384r1' }),
    cert(MEMBER, eu, 7, { type: 'PRIVATE', keyAlgorithm: 'EC_secp521r1' }),
    cert(MEMBER, eu, 8, { keyPairOrigin: 'ACME', renewalEligibility: 'INELIGIBLE' }),
    cert(MEMBER, eu, 9, { ...imported, notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2026-11-15T00:00:00.000Z' }),
    cert(MEMBER, eu, 10, { tags: undefined, inUseBy: [], renewalEligibility: 'INELIGIBLE' }),
    cert(MEMBER, eu, 11, { type: 'PRIVATE', tags: {} }),
    cert(MEMBER, eu, 12, {
      status: 'FAILED',
      notBefore: undefined,
      notAfter: undefined,
      failureReason: 'CAA_ERROR',
      inUseBy: [],
      renewalEligibility: 'INELIGIBLE',
    }),
  ];
  const memberUs = Array.from({ length: MEMBER_US_COUNT }, (_, i) =>
    cert(MEMBER, 'us-east-1', 1000 + i, i % 10 === 0 ? { tags: undefined } : { tags: { owner: `team-${i % 7}` } }),
  );
  return {
    managementAccountId: MANAGEMENT,
    start: START,
    accounts: [
      {
        id: MANAGEMENT,
        name: 'management',
        state: 'ACTIVE',
        enabledRegions: ['us-east-1', 'eu-west-1'],
        roles: [{ name: 'CertAuditReadOnly' }],
        certificates: [cert(MANAGEMENT, 'us-east-1', 1)],
      },
      {
        id: MEMBER,
        name: 'member',
        state: 'ACTIVE',
        enabledRegions: ['us-east-1', 'eu-west-1', { name: 'af-south-1', optStatus: 'ENABLED' }],
        disabledRegions: ['me-south-1'],
        roles: [
          { name: 'CertAuditReadOnly', externalId: EXTERNAL_ID },
          { name: 'Foreign', trustedPrincipalArns: ['arn:aws:iam::999999999999:root'] },
        ],
        certificates: [...memberEu, ...memberUs],
      },
      {
        id: LEGACY,
        name: 'legacy',
        status: 'ACTIVE',
        enabledRegions: ['us-east-1'],
        certificates: [cert(LEGACY, 'us-east-1', 1)],
      },
      {
        id: TAGGING_DENIED,
        name: 'tagging-denied',
        state: 'ACTIVE',
        enabledRegions: ['us-east-1'],
        taggingApiDenied: true,
        certificates: [cert(TAGGING_DENIED, 'us-east-1', 1)],
      },
      {
        id: SUSPENDED,
        name: 'suspended',
        state: 'SUSPENDED',
        enabledRegions: ['us-east-1'],
        certificates: [],
      },
    ],
  };
}
