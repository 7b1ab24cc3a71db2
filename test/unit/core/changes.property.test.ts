import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectChanges } from '../../../lambdas/core/changes';
import {
  CERTIFICATE_STATUSES,
  CERTIFICATE_TYPES,
  type Certificate,
  type ChangeType,
  RENEWAL_STATUSES,
  type RenewalEligibility,
  type RenewalStatus,
} from '../../../lambdas/core/model';
import { DEFAULT_CHANGE_THRESHOLDS } from '../../../lambdas/core/names';
import { arnOf, daysFrom, NOW } from './certificate-fixture';

const PREVIOUS_SCAN = new Date(NOW.getTime() - 86_400_000);
const RESOURCES = Array.from(
  { length: 6 },
  (_, i) => `arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/lb${i}`,
);

/** A random stored certificate, far enough from expiry that no threshold is near unless a mutation says so. */
const certificateArb = fc.record({
  type: fc.constantFrom(...CERTIFICATE_TYPES),
  status: fc.constantFrom(...CERTIFICATE_STATUSES),
  expiresInDays: fc.integer({ min: 60, max: 400 }),
  importedDaysAgo: fc.integer({ min: 1, max: 300 }),
  renewalEligibility: fc.option(fc.constantFrom<RenewalEligibility>('ELIGIBLE', 'INELIGIBLE'), { nil: undefined }),
  renewalStatus: fc.option(fc.constantFrom(...RENEWAL_STATUSES), { nil: undefined }),
  inUseBy: fc.subarray(RESOURCES),
  owner: fc.option(fc.constantFrom('team-a', 'team-b', 'team-c'), { nil: undefined }),
});

type Spec = {
  type: Certificate['type'];
  status: Certificate['status'];
  expiresInDays: number;
  importedDaysAgo: number;
  renewalEligibility: Certificate['renewalEligibility'];
  renewalStatus: RenewalStatus | undefined;
  inUseBy: string[];
  owner: string | undefined;
};

function build(index: number, spec: Spec): Certificate {
  return {
    accountId: '111111111111',
    region: 'eu-west-1',
    arn: arnOf(index),
    domainName: `site${index}.example.com`,
    subjectAlternativeNames: [`site${index}.example.com`],
    type: spec.type,
    status: spec.status,
    keyAlgorithm: 'EC_prime256v1',
    notBefore: daysFrom(NOW, -30),
    notAfter: daysFrom(NOW, spec.expiresInDays + 0.25),
    ...(spec.type === 'IMPORTED' ? { importedAt: daysFrom(NOW, -spec.importedDaysAgo) } : {}),
    ...(spec.renewalEligibility ? { renewalEligibility: spec.renewalEligibility } : {}),
    ...(spec.renewalStatus ? { renewalStatus: spec.renewalStatus } : {}),
    inUse: spec.inUseBy.length > 0,
    inUseBy: spec.inUseBy,
    tags: spec.owner ? { owner: spec.owner, env: 'prod' } : { env: 'prod' },
    describedAt: daysFrom(PREVIOUS_SCAN, -0.1),
  };
}

const MUTATIONS = [
  'NEW',
  'REMOVED',
  'RENEWED',
  'REIMPORTED',
  'STATUS_CHANGED',
  'RENEWAL_STATUS_CHANGED',
  'ATTACHED',
  'DETACHED',
  'BECAME_INELIGIBLE',
  'THRESHOLD_CROSSED',
  'TAGS_CHANGED',
] as const satisfies readonly ChangeType[];

interface Scenario {
  previous: Certificate[];
  current: Certificate[];
  expected: string[];
}

function pick<T>(items: readonly T[], seed: number): T {
  return items[seed % items.length] as T;
}

/**
 * Applies at most one mutation per certificate, only where it makes sense for that certificate
 * (RENEWED needs a non-imported one, DETACHED one that is attached, ...).
 */
function scenario(
  items: Array<{ spec: Spec; mutation: (typeof MUTATIONS)[number] | null; seed: number }>,
  described = true,
): Scenario {
  const previous: Certificate[] = [];
  const current: Certificate[] = [];
  const expected: string[] = [];
  items.forEach(({ spec, mutation, seed }, index) => {
    const prev = build(index, spec);
    const cur: Certificate = { ...structuredClone(prev), describedAt: daysFrom(NOW, -0.01) };
    const inject = (type: ChangeType) => expected.push(`${prev.arn} ${type}`);
    switch (mutation) {
      case 'NEW':
        current.push(cur);
        inject('NEW');
        return;
      case 'REMOVED':
        previous.push(prev);
        inject('REMOVED');
        return;
      case 'RENEWED':
        if (prev.type !== 'IMPORTED') {
          cur.notAfter = daysFrom(NOW, spec.expiresInDays + 1 + (seed % 300));
          inject('RENEWED');
        }
        break;
      case 'REIMPORTED':
        if (prev.type === 'IMPORTED') {
          cur.importedAt = daysFrom(NOW, -0.5);
          if (seed % 2 === 0) cur.notAfter = daysFrom(NOW, 200 + (seed % 500));
          inject('REIMPORTED');
        }
        break;
      case 'STATUS_CHANGED':
        cur.status = pick(
          CERTIFICATE_STATUSES.filter((status) => status !== prev.status),
          seed,
        );
        inject('STATUS_CHANGED');
        break;
      case 'RENEWAL_STATUS_CHANGED': {
        const other = [undefined, ...RENEWAL_STATUSES].filter((status) => status !== prev.renewalStatus);
        const next = pick(other, seed);
        if (next === undefined) delete cur.renewalStatus;
        else cur.renewalStatus = next;
        inject('RENEWAL_STATUS_CHANGED');
        break;
      }
      case 'ATTACHED': {
        const free = RESOURCES.filter((arn) => !prev.inUseBy.includes(arn));
        if (free.length > 0) {
          cur.inUseBy = [...prev.inUseBy, pick(free, seed)];
          inject('ATTACHED');
        }
        break;
      }
      case 'DETACHED':
        if (prev.inUseBy.length > 0) {
          cur.inUseBy = prev.inUseBy.filter((arn) => arn !== pick(prev.inUseBy, seed));
          inject('DETACHED');
        }
        break;
      case 'BECAME_INELIGIBLE':
        if (prev.renewalEligibility === 'ELIGIBLE') {
          cur.renewalEligibility = 'INELIGIBLE';
          inject('BECAME_INELIGIBLE');
        }
        break;
      case 'THRESHOLD_CROSSED': {
        // Same notAfter on both sides, one day closer: exactly one threshold is crossed.
        const threshold = pick(DEFAULT_CHANGE_THRESHOLDS, seed);
        prev.notAfter = daysFrom(NOW, threshold + 0.5);
        cur.notAfter = prev.notAfter;
        inject('THRESHOLD_CROSSED');
        break;
      }
      case 'TAGS_CHANGED': {
        const next = pick(
          [undefined, 'team-a', 'team-b', 'team-z'].filter((owner) => owner !== prev.tags.owner),
          seed,
        );
        cur.tags = next === undefined ? { env: 'prod' } : { ...prev.tags, owner: next };
        inject('TAGS_CHANGED');
        break;
      }
      case null:
        break;
    }
    if (!described) {
      delete cur.describedAt;
      delete cur.renewalStatus;
      cur.inUseBy = [];
    }
    previous.push(prev);
    current.push(cur);
  });
  return { previous, current, expected };
}

const itemsArb = (mutation: fc.Arbitrary<(typeof MUTATIONS)[number] | null>) =>
  fc.array(fc.record({ spec: certificateArb, mutation, seed: fc.nat({ max: 10_000 }) }), { maxLength: 25 });

const runs = { numRuns: 300 };

describe('detectChanges properties', () => {
  it('finds each injected mutation exactly once, and nothing else', () => {
    fc.assert(
      fc.property(itemsArb(fc.option(fc.constantFrom(...MUTATIONS), { nil: null })), (items) => {
        const { previous, current, expected } = scenario(items);
        const changes = detectChanges(previous, current, {
          complete: true,
          now: NOW,
          previousScannedAt: PREVIOUS_SCAN,
        });
        expect(changes.map((change) => `${change.arn} ${change.type}`).sort()).toEqual(expected.sort());
      }),
      runs,
    );
  });

  it('finds no change between identical states', () => {
    fc.assert(
      fc.property(itemsArb(fc.constant(null)), fc.boolean(), (items, complete) => {
        const { previous } = scenario(items);
        const changes = detectChanges(previous, structuredClone(previous), {
          complete,
          now: PREVIOUS_SCAN,
          previousScannedAt: PREVIOUS_SCAN,
        });
        expect(changes).toEqual([]);
      }),
      runs,
    );
  });

  it('never reports REMOVED after a partial scan, whatever else changed', () => {
    fc.assert(
      fc.property(itemsArb(fc.option(fc.constantFrom(...MUTATIONS), { nil: null })), (items) => {
        const { previous, current, expected } = scenario(items);
        const changes = detectChanges(previous, current, {
          complete: false,
          now: NOW,
          previousScannedAt: PREVIOUS_SCAN,
        });
        expect(changes.some((change) => change.type === 'REMOVED')).toBe(false);
        const withoutRemoved = expected.filter((line) => !line.endsWith(' REMOVED'));
        expect(changes.map((change) => `${change.arn} ${change.type}`).sort()).toEqual(withoutRemoved.sort());
      }),
      runs,
    );
  });

  it('reports no detail change for certificates the current scan did not describe', () => {
    const detail = fc.constantFrom<(typeof MUTATIONS)[number]>('RENEWAL_STATUS_CHANGED', 'ATTACHED', 'DETACHED');
    fc.assert(
      fc.property(itemsArb(fc.option(detail, { nil: null })), (items) => {
        const { previous, current } = scenario(items, false);
        expect(
          detectChanges(previous, current, { complete: true, now: NOW, previousScannedAt: PREVIOUS_SCAN }),
        ).toEqual([]);
      }),
      runs,
    );
  });
});
