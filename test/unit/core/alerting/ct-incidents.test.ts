import { describe, expect, it } from 'vitest';
import { ctIncidentKey, detectIncidents } from '../../../../lambdas/core/alerting/incidents';
import { type AlertState, planAlerts } from '../../../../lambdas/core/alerting/planner';
import type { CtIssuanceEntry } from '../../../../lambdas/core/ct';

const NOW = new Date('2026-12-01T12:00:00Z');

function entry(status: CtIssuanceEntry['status'], id = '1000001'): CtIssuanceEntry {
  return {
    id,
    dnsNames: ['x.example.com'],
    issuer: "C=US, O=Let's Encrypt, CN=R11",
    notBefore: '2026-12-01T00:00:00.000Z',
    notAfter: '2026-12-05T00:00:00.000Z',
    serial: '01',
    certSha256: 'ab'.repeat(32),
    matchedDomain: 'example.com',
    status,
  };
}

function plan(states: AlertState[], ct: CtIssuanceEntry[], ctWatched: boolean, now = NOW) {
  const incidents = detectIncidents([], [], { now, ct });
  return planAlerts(states, incidents, { now, targets: [], ctWatched });
}

describe('CT incidents', () => {
  it('opens one incident per issuance neither known nor allowed', () => {
    const incidents = detectIncidents([], [], {
      now: NOW,
      ct: [
        entry('unknown', '1'),
        entry('amazon-outside-organization', '2'),
        entry('known', '3'),
        entry('allowed', '4'),
      ],
    });
    expect(incidents.map((i) => i.key)).toEqual([ctIncidentKey('1'), ctIncidentKey('2')]);
  });

  it('alerts once and never reminds, even days later as its expiry comes close', () => {
    // Prepare
    const first = plan([], [entry('unknown')], true);
    // Act
    const later = plan(first.states, [entry('unknown')], true, new Date('2026-12-04T12:00:00Z'));
    // Assess
    expect(first.notices.map((n) => n.stage)).toEqual(['opened']);
    expect(later.notices).toEqual([]);
  });

  it('closes silently once allow-listed, and only in a run that watched CT', () => {
    const opened = plan([], [entry('unknown')], true).states;
    const unwatched = plan(opened, [], false);
    const allowed = plan(opened, [entry('allowed')], true);
    expect(unwatched.states).toEqual([]);
    expect(allowed.notices).toEqual([]);
    expect(allowed.states.map((s) => s.status)).toEqual(['resolved']);
  });
});
