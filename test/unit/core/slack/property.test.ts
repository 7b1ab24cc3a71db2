import fc from 'fast-check';
import { describe, it } from 'vitest';
import { CERTIFICATE_TYPES, type FindingCode } from '../../../../lambdas/core/model';
import { INCIDENT_KINDS } from '../../../../lambdas/core/notices';
import { renderAlert, renderDigest } from '../../../../lambdas/core/slack';
import { cert, incident, target } from './fixtures';
import { expectSafeMarkup, expectWithinSlackLimits } from './limits';

/** Strings built from the characters that matter to Slack, plus any unicode, up to very long. */
const hostile = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.string({ unit: fc.constantFrom('<', '>', '&', '!', '@', '|', '`', '*', '_', '\n', 'a', '🔴'), maxLength: 4_000 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
);

const findingSets: FindingCode[][] = [
  ['RENEWAL_FAILED'],
  ['PENDING_VALIDATION'],
  ['EXPIRING'],
  ['EXPIRED'],
  ['IMPORTED'],
  ['NOT_IN_USE'],
  ['REVOKED'],
  [],
];

describe('Slack rendering of arbitrary input', () => {
  it('keeps every alert within limits and free of live mentions', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...INCIDENT_KINDS),
        fc.constantFrom('opened' as const, 'reminder' as const, 'resolved' as const),
        fc.constantFrom(...CERTIFICATE_TYPES),
        hostile,
        hostile,
        hostile,
        fc.array(hostile, { maxLength: 30 }),
        fc.option(fc.integer({ min: -1_000, max: 1_000 }), { nil: undefined }),
        (kind, stage, type, domainName, reason, owner, list, days) => {
          const message = renderAlert(
            {
              id: reason,
              stage,
              openedAt: domainName,
              incident: incident({
                kind,
                type,
                domainName,
                reason,
                errorCode: reason,
                owner,
                accountName: owner,
                region: domainName,
                daysToExpiry: days,
                inUseBy: list,
                validationRecords: list.map((value) => ({ domainName, name: value, type: 'CNAME', value })),
              }),
            },
            { ownerTagKey: owner },
          );
          expectWithinSlackLimits(message);
          expectSafeMarkup(message);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps every digest within limits and free of live mentions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(hostile, hostile, fc.constantFrom(...findingSets), fc.integer({ min: -50, max: 200 })), {
          maxLength: 60,
        }),
        fc.array(fc.tuple(hostile, hostile), { maxLength: 20 }),
        hostile,
        (certs, failures, reportLocation) => {
          const message = renderDigest(
            {
              runId: reportLocation,
              generatedAt: '2026-01-05T06:30:00.000Z',
              expiryDays: 30,
              reportLocation,
              targets: failures.map(([errorCode, errorMessage], n) =>
                target(n, { status: n % 2 ? 'partial' : 'error', errorCode, errorMessage, accountName: errorMessage }),
              ),
              certificates: certs.map(([domainName, tag, findings, daysToExpiry], n) =>
                cert(n, {
                  domainName,
                  findings,
                  daysToExpiry,
                  inUse: !findings.includes('NOT_IN_USE'),
                  accountName: tag,
                  tags: { team: tag },
                  renewalStatusReason: tag,
                }),
              ),
              changes: certs.map(([domainName, summary], n) => ({
                type: n % 2 ? 'NEW' : 'REMOVED',
                accountId: '1',
                region: 'eu-west-1',
                arn: domainName,
                domainName,
                summary,
              })),
            },
            { ownerTagKey: 'team' },
          );
          expectWithinSlackLimits(message);
          expectSafeMarkup(message);
        },
      ),
      { numRuns: 60 },
    );
  });
});
