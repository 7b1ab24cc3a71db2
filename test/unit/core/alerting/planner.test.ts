import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectIncidents } from '../../../../lambdas/core/alerting/incidents';
import {
  type AlertState,
  pendingInOrder,
  planAlerts,
  type QueuedNotice,
} from '../../../../lambdas/core/alerting/planner';
import type { AssessedCertificate, TargetResult, TargetStatus } from '../../../../lambdas/core/model';
import { certificate, day, expiringOn, target } from './fixtures';

interface Day {
  certificates: AssessedCertificate[];
  targets: TargetResult[];
}

interface Sent {
  day: number;
  notice: QueuedNotice;
}

/** Runs detection and planning once a day; every queued notice is delivered (pending cleared) unless told not to. */
function simulate(days: Day[], { deliver = true }: { deliver?: boolean } = {}) {
  const states = new Map<string, AlertState>();
  const log: Sent[] = [];
  days.forEach((d, n) => {
    const now = day(n);
    const incidents = detectIncidents(d.certificates, d.targets, { now });
    const plan = planAlerts([...states.values()], incidents, { now, targets: d.targets });
    for (const s of plan.states)
      states.set(s.incidentKey, { ...s, version: s.version + 1, pending: deliver ? [] : s.pending });
    log.push(...plan.notices.map((notice) => ({ day: n, notice })));
  });
  return { states, log };
}

const ARN_PREFIX = 'arn:aws:acm:eu-west-1:111111111111:certificate/';
const summary = (log: Sent[]) => log.map(({ day: d, notice }) => `${d} ${notice.id.replace(ARN_PREFIX, '')}`);

describe('planAlerts', () => {
  it('alerts once, reminds at 7, 3 and 1 days, and resolves once for an imported certificate that is replaced', () => {
    // Expires on day 20; re-imported over the same ARN on day 20 with a year of validity.
    const days: Day[] = Array.from({ length: 25 }, (_, n) => ({
      certificates: [n < 20 ? expiringOn(20, n, { type: 'IMPORTED' }) : expiringOn(385, n, { type: 'IMPORTED' })],
      targets: [target()],
    }));

    const { log } = simulate(days);

    expect(summary(log)).toEqual([
      '6 EXPIRING_IN_USE#0001#opened',
      '13 EXPIRING_IN_USE#0001#reminder-7',
      '17 EXPIRING_IN_USE#0001#reminder-3',
      '19 EXPIRING_IN_USE#0001#reminder-1',
      '20 EXPIRING_IN_USE#0001#resolved',
    ]);
    expect(log[4]?.notice.incident.daysToExpiry).toBe(1);
  });

  it('shows the certificate as it is now in the resolved message, without the failure that went away', () => {
    const failed = expiringOn(20, 0, { renewalStatus: 'FAILED', renewalStatusReason: 'CAA_ERROR' });
    const opened = planAlerts([], detectIncidents([failed], [target()], { now: day(0) }), {
      now: day(0),
      targets: [target()],
    });
    const stored = opened.states.map((s) => ({ ...s, version: 1, pending: [] }));
    const renewed = expiringOn(200, 1, { renewalStatus: 'SUCCESS' });

    const plan = planAlerts(stored, detectIncidents([renewed], [target()], { now: day(1) }), {
      now: day(1),
      targets: [target()],
      certificates: [renewed],
    });

    const resolved = plan.notices.find((n) => n.stage === 'resolved');
    expect(resolved?.incident).toMatchObject({
      kind: 'RENEWAL_FAILED',
      daysToExpiry: 199,
      notAfter: day(200).toISOString(),
    });
    expect(resolved?.incident.reason).toBeUndefined();
  });

  it('counts thresholds already crossed at opening as told', () => {
    const days: Day[] = Array.from({ length: 5 }, (_, n) => ({
      certificates: [expiringOn(7, n)],
      targets: [target()],
    }));

    expect(summary(simulate(days).log)).toEqual(['0 EXPIRING_IN_USE#0001#opened', '4 EXPIRING_IN_USE#0001#reminder-3']);
  });

  it('sends one reminder for the closest threshold when a missed run skips several', () => {
    const renewalFailed = (expires: number, today: number) => expiringOn(expires, today, { renewalStatus: 'FAILED' });
    const days: Day[] = [
      { certificates: [renewalFailed(10, 0)], targets: [target()] },
      // Days 1 to 7 without a run: day 8 is the next one, 2 days to go.
      ...Array.from({ length: 7 }, () => ({ certificates: [], targets: [] })),
      { certificates: [renewalFailed(10, 8)], targets: [target()] },
      { certificates: [renewalFailed(10, 9)], targets: [target()] },
    ];

    expect(summary(simulate(days).log)).toEqual([
      '0 RENEWAL_FAILED#0001#opened',
      '8 RENEWAL_FAILED#0001#reminder-3',
      '9 RENEWAL_FAILED#0001#reminder-1',
    ]);
  });

  it('does not resolve while the target fails, partly scans or is not scanned, and resolves on its next full scan', () => {
    const problem = expiringOn(30, 0, { renewalStatus: 'FAILED' });
    const days: Day[] = [
      { certificates: [problem], targets: [target()] },
      { certificates: [], targets: [target({ status: 'error', errorCode: 'AccessDenied', errorMessage: 'denied' })] },
      { certificates: [], targets: [target({ status: 'partial' })] },
      { certificates: [], targets: [] },
      { certificates: [], targets: [target()] },
    ];

    const { log } = simulate(days);

    expect(summary(log)).toEqual([
      '0 RENEWAL_FAILED#0001#opened',
      '1 COVERAGE_GAP#111111111111#eu-west-1#opened',
      '2 COVERAGE_GAP#111111111111#eu-west-1#resolved',
      '4 RENEWAL_FAILED#0001#resolved',
    ]);
    // The resolved message shows the incident as it was last seen.
    expect(log[3]?.notice.incident).toMatchObject({ kind: 'RENEWAL_FAILED', daysToExpiry: 30 });
  });

  it('never reminds about a coverage gap and resolves it once the target is reached again', () => {
    const failed = target({ status: 'error', errorCode: 'AccessDenied', errorMessage: 'denied' });
    const days: Day[] = [
      ...Array.from({ length: 10 }, () => ({ certificates: [], targets: [failed] })),
      { certificates: [], targets: [target()] },
      { certificates: [], targets: [target()] },
    ];

    expect(summary(simulate(days).log)).toEqual([
      '0 COVERAGE_GAP#111111111111#eu-west-1#opened',
      '10 COVERAGE_GAP#111111111111#eu-west-1#resolved',
    ]);
  });

  it('resolves a whole-account gap exactly once when the account is scanned again region by region', () => {
    // The audit role was missing for three days: ListTargets records the account once, region '*'.
    const unreachable = target({ region: '*', status: 'error', errorCode: 'AccessDenied', errorMessage: 'denied' });
    const restored = [target({ region: 'eu-west-1' }), target({ region: 'us-east-1', status: 'partial' })];
    const days: Day[] = [
      ...Array.from({ length: 3 }, () => ({ certificates: [], targets: [unreachable] })),
      ...Array.from({ length: 3 }, () => ({ certificates: [], targets: restored })),
    ];

    expect(summary(simulate(days).log)).toEqual([
      '0 COVERAGE_GAP#111111111111#*#opened',
      '3 COVERAGE_GAP#111111111111#*#resolved',
    ]);
  });

  it('keeps a whole-account gap open while the account is only seen failing, or not at all', () => {
    const unreachable = target({ region: '*', status: 'error', errorCode: 'AccessDenied', errorMessage: 'denied' });
    const days: Day[] = [
      { certificates: [], targets: [unreachable] },
      { certificates: [], targets: [target({ status: 'error', errorCode: 'ThrottlingException' })] },
      { certificates: [], targets: [target({ accountId: '222222222222' })] },
    ];

    expect(summary(simulate(days).log)).toEqual([
      '0 COVERAGE_GAP#111111111111#*#opened',
      '1 COVERAGE_GAP#111111111111#eu-west-1#opened',
    ]);
  });

  it('escalates expiring to expired without a resolved message in between, and resolves once when replaced', () => {
    const days: Day[] = Array.from({ length: 14 }, (_, n) => ({
      certificates: n < 12 ? [expiringOn(10, n)] : [],
      targets: [target()],
    }));

    const { log, states } = simulate(days);

    expect(summary(log)).toEqual([
      '3 EXPIRING_IN_USE#0001#opened',
      '7 EXPIRING_IN_USE#0001#reminder-3',
      '9 EXPIRING_IN_USE#0001#reminder-1',
      '11 EXPIRED_IN_USE#0001#opened',
      '12 EXPIRED_IN_USE#0001#resolved',
    ]);
    const expiring = [...states.values()].find((s) => s.kind === 'EXPIRING_IN_USE');
    expect(expiring).toMatchObject({ status: 'resolved', lastStage: 'reminder' });
    expect(expiring?.supersededBy).toMatch(/^EXPIRED_IN_USE#/);
  });

  it('opens a new episode with its own notice ids when a resolved incident comes back', () => {
    const failing = expiringOn(40, 0, { renewalStatus: 'FAILED' });
    const days: Day[] = [
      { certificates: [failing], targets: [target()] },
      { certificates: [], targets: [target()] },
      { certificates: [failing], targets: [target()] },
      { certificates: [], targets: [target()] },
    ];

    expect(summary(simulate(days).log)).toEqual([
      '0 RENEWAL_FAILED#0001#opened',
      '1 RENEWAL_FAILED#0001#resolved',
      '2 RENEWAL_FAILED#0001#2#opened',
      '3 RENEWAL_FAILED#0001#2#resolved',
    ]);
  });

  it('plans nothing new when the same run is planned again from the states it produced', () => {
    const now = day(0);
    const targets = [target(), target({ accountId: '222222222222', status: 'error', errorMessage: 'x' })];
    const incidents = detectIncidents(
      [expiringOn(5, 0), expiringOn(30, 0, { arn: 'arn:b', renewalStatus: 'FAILED' })],
      targets,
      {
        now,
      },
    );
    const first = planAlerts([], incidents, { now, targets });
    const stored = first.states.map((s) => ({ ...s, version: s.version + 1 }));

    const again = planAlerts(stored, incidents, { now: new Date(now.getTime() + 60_000), targets });

    expect(first.notices).toHaveLength(3);
    expect(again).toEqual({ notices: [], states: [] });
  });

  it('keeps undelivered notices queued in order and replaces an undelivered reminder with the newer one', () => {
    const days: Day[] = Array.from({ length: 21 }, (_, n) => ({
      certificates: n < 20 ? [expiringOn(20, n, { type: 'IMPORTED' })] : [],
      targets: [target()],
    }));

    const { states } = simulate(days, { deliver: false });

    const [state] = [...states.values()];
    expect(state?.pending.map((n) => n.id.replace(ARN_PREFIX, ''))).toEqual([
      'EXPIRING_IN_USE#0001#opened',
      'EXPIRING_IN_USE#0001#reminder-1',
      'EXPIRING_IN_USE#0001#resolved',
    ]);
    expect(state?.remindersSent).toEqual([7, 3, 1]);
  });

  it('orders pending notices of all incidents oldest first', () => {
    const state = (key: string, queued: string[]): AlertState => ({
      incidentKey: key,
      kind: 'RENEWAL_FAILED',
      status: 'open',
      openedAt: queued[0] ?? '',
      lastStage: 'opened',
      remindersSent: [],
      incident: { key, kind: 'RENEWAL_FAILED', accountId: '1', region: 'r' },
      pending: queued.map((queuedAt, i) => ({
        id: `${key}#${i}`,
        stage: 'opened',
        incident: { key, kind: 'RENEWAL_FAILED', accountId: '1', region: 'r' },
        openedAt: queued[0] ?? '',
        queuedAt,
      })),
      version: 1,
      episode: 1,
    });

    const order = pendingInOrder([state('b', ['2026-01-01', '2026-01-03']), state('a', ['2026-01-02'])]);

    expect(order.map((p) => p.notice.id)).toEqual(['b#0', 'a#0', 'b#1']);
  });
});

describe('planAlerts over random daily histories', () => {
  const dayArb = fc.record({
    present: fc.boolean(),
    renewalFailed: fc.boolean(),
    inUse: fc.boolean(),
    daysLeft: fc.integer({ min: -3, max: 20 }),
    status: fc.constantFrom<TargetStatus>('ok', 'ok', 'partial', 'error'),
    scanned: fc.boolean(),
  });

  it('follows opened → reminders → resolved per episode, never resolves on a day the target was not fully scanned, and is idempotent', () => {
    fc.assert(
      fc.property(fc.array(dayArb, { minLength: 1, maxLength: 30 }), (history) => {
        const states = new Map<string, AlertState>();
        const log: Sent[] = [];
        history.forEach((h, n) => {
          const now = day(n);
          const certs = h.present
            ? [
                certificate({
                  notAfter: new Date(now.getTime() + h.daysLeft * 86_400_000 + 3_600_000).toISOString(),
                  daysToExpiry: h.daysLeft,
                  inUse: h.inUse,
                  ...(h.renewalFailed ? { renewalStatus: 'FAILED' as const } : {}),
                }),
              ]
            : [];
          const targets = h.scanned ? [target({ status: h.status, errorMessage: 'x' })] : [];
          const incidents = detectIncidents(certs, targets, { now });
          const plan = planAlerts([...states.values()], incidents, { now, targets });
          for (const s of plan.states) states.set(s.incidentKey, { ...s, version: s.version + 1, pending: [] });
          log.push(...plan.notices.map((notice) => ({ day: n, notice })));

          // Planning the same day again changes nothing.
          const again = planAlerts([...states.values()], incidents, { now, targets });
          expect(again.notices).toEqual([]);
          expect(again.states).toEqual([]);
          // Opened only for incidents present now.
          for (const notice of plan.notices.filter((x) => x.stage === 'opened')) {
            expect(incidents.map((i) => i.key)).toContain(notice.incident.key);
          }
        });

        const byKey = new Map<string, Sent[]>();
        for (const s of log) byKey.set(s.notice.incident.key, [...(byKey.get(s.notice.incident.key) ?? []), s]);
        for (const [key, sent] of byKey) {
          const episodes = new Map<number, Sent[]>();
          for (const s of sent) {
            const parts = s.notice.id.slice(key.length + 1).split('#');
            const episode = parts.length === 2 ? Number(parts[0]) : 1;
            episodes.set(episode, [...(episodes.get(episode) ?? []), s]);
          }
          // Episodes are numbered 1, 2, ... in the order they opened.
          expect([...episodes.keys()]).toEqual([...episodes.keys()].map((_, i) => i + 1));
          for (const notices of episodes.values()) {
            const stages = notices.map((s) => s.notice.stage);
            expect(stages[0]).toBe('opened');
            expect(stages.filter((x) => x === 'opened')).toHaveLength(1);
            expect(stages.indexOf('resolved')).toBeOneOf([-1, stages.length - 1]);
            const thresholds = notices.flatMap((s) => (s.notice.stage === 'reminder' ? [s.notice.threshold ?? 0] : []));
            expect(thresholds).toEqual([...thresholds].sort((a, b) => b - a));
            expect(new Set(thresholds).size).toBe(thresholds.length);
            for (const { day: d, notice } of notices.filter((s) => s.notice.stage === 'resolved')) {
              const h = history[d];
              expect(h?.scanned).toBe(true);
              expect(key.startsWith('COVERAGE_GAP') ? ['ok', 'partial'] : ['ok']).toContain(h?.status);
              expect(notice.incident.key).toBe(key);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
