import { describe, expect, it } from 'vitest';
import { type AlertState, planAlerts } from '../../../../lambdas/core/alerting/planner';
import { assessEndpoint } from '../../../../lambdas/core/probe/findings';
import { advanceEndpoints, type StoredEndpoint } from '../../../../lambdas/core/probe/history';
import { detectEndpointIncidents, endpointCoverage } from '../../../../lambdas/core/probe/incidents';
import type { Endpoint, ProbeOutcome } from '../../../../lambdas/core/probe/model';
import { renderAlert } from '../../../../lambdas/core/slack';
import { endpoint, inDays, NOW, served } from './fixtures';

const ctx = { now: NOW, expiryDays: 30 };
const lb = endpoint({
  source: 'elbv2',
  host: 'shop-1.eu-west-1.elb.amazonaws.com',
  resourceArn: 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/shop/1',
  accountId: '111111111111',
  region: 'eu-west-1',
});
const stale: ProbeOutcome = { kind: 'served', served: served({ serial: '0D:0E', notAfter: inDays(5) }) };
const renewed: ProbeOutcome = { kind: 'served', served: served({ fingerprintSha256: 'CC:DD' }) };
const down: ProbeOutcome = { kind: 'unreachable', reason: 'timeout', message: 'no TLS handshake within 5000 ms' };

/** One run: probe outcomes → stored endpoints (with the previous run's) → incidents → alert plan. */
function run(previous: StoredEndpoint[], states: AlertState[], probes: Array<[Endpoint, ProbeOutcome]>) {
  const results = probes.map(([e, outcome]) => assessEndpoint(e, outcome, ctx));
  const { endpoints, changes } = advanceEndpoints(previous, results);
  const incidents = detectEndpointIncidents(endpoints, { now: NOW });
  const plan = planAlerts(states, incidents, {
    now: NOW,
    targets: [],
    endpoints: endpointCoverage([{ owner: '111111111111', endpoints }]),
  });
  const next = new Map(states.map((s) => [s.incidentKey, s]));
  for (const state of plan.states) next.set(state.incidentKey, { ...state, pending: [] });
  return { endpoints, changes, incidents, notices: plan.notices, states: [...next.values()] };
}

describe('endpoint incidents', () => {
  it('pages once for a renewal the endpoint did not pick up, and resolves when it serves the renewal', () => {
    const first = run([], [], [[lb, stale]]);
    const again = run(first.endpoints, first.states, [[lb, stale]]);
    const fixed = run(again.endpoints, again.states, [[lb, renewed]]);

    expect(first.incidents.map((i) => i.kind)).toEqual(['ENDPOINT_MISMATCH']);
    expect(first.notices.map((n) => n.stage)).toEqual(['opened']);
    // 5 days left had already crossed the 7-day reminder when it opened: nothing more the next day.
    expect(again.notices).toEqual([]);
    expect(fixed.notices.map((n) => n.stage)).toEqual(['resolved']);
    expect(fixed.changes).toEqual([
      expect.objectContaining({ type: 'SERVED_CHANGED', before: '0D:0E', after: '0A:0B:0C' }),
    ]);
  });

  it('keeps an unreachable endpoint in the digest only until it fails three runs in a row, then pages once', () => {
    const one = run([], [], [[lb, down]]);
    const two = run(one.endpoints, one.states, [[lb, down]]);
    const three = run(two.endpoints, two.states, [[lb, down]]);
    const four = run(three.endpoints, three.states, [[lb, down]]);
    const back = run(four.endpoints, four.states, [[lb, renewed]]);

    expect([one, two, three, four].map((r) => r.endpoints[0]?.unreachableRuns)).toEqual([1, 2, 3, 4]);
    expect([one, two].flatMap((r) => r.notices)).toEqual([]);
    expect(three.notices.map((n) => [n.incident.kind, n.stage])).toEqual([['ENDPOINT_UNREACHABLE', 'opened']]);
    expect(four.notices).toEqual([]);
    expect(back.notices.map((n) => n.stage)).toEqual(['resolved']);
    expect(back.endpoints[0]?.unreachableRuns).toBe(0);
  });

  it('does not resolve a mismatch on a run that could not reach the endpoint: that proves nothing', () => {
    const first = run([], [], [[lb, stale]]);
    const unreached = run(first.endpoints, first.states, [[lb, down]]);

    expect(unreached.notices).toEqual([]);
    expect(unreached.states.find((s) => s.kind === 'ENDPOINT_MISMATCH')?.status).toBe('open');
  });

  it('leaves the expiry of a certificate ACM holds to its own incident, and pages for one outside ACM', () => {
    const expiring: ProbeOutcome = { kind: 'served', served: served({ notAfter: inDays(5) }) };
    const file = endpoint({ source: 'file', host: 'vpn.example.com', sni: 'vpn.example.com', expectedSerials: [] });

    const { incidents } = run(
      [],
      [],
      [
        [lb, expiring],
        [file, expiring],
      ],
    );

    expect(incidents.map((i) => [i.kind, i.endpoint?.host])).toEqual([['ENDPOINT_EXPIRING', 'vpn.example.com']]);
  });

  it('escalates an expiring user endpoint to expired without a resolved message in between', () => {
    const file = endpoint({ source: 'file', host: 'vpn.example.com', sni: 'vpn.example.com', expectedSerials: [] });
    const first = run([], [], [[file, { kind: 'served', served: served({ notAfter: inDays(2) }) }]]);
    const expired = run(first.endpoints, first.states, [
      [file, { kind: 'served', served: served({ notAfter: inDays(-1) }) }],
    ]);

    expect(expired.notices.map((n) => [n.incident.kind, n.stage])).toEqual([['ENDPOINT_EXPIRED', 'opened']]);
    expect(expired.states.find((s) => s.kind === 'ENDPOINT_EXPIRING')?.supersededBy).toBeDefined();
  });

  it('tells on-call which endpoint, what it served against what ACM holds, and what to do', () => {
    const { notices } = run([], [], [[lb, stale]]);

    const message = renderAlert(notices[0] as (typeof notices)[number]);
    const text = JSON.stringify(message.blocks);

    expect(message.text).toContain('Endpoint serves another certificate');
    expect(text).toContain('`shop.example.com` at `shop-1.eu-west-1.elb.amazonaws.com:443`');
    expect(text).toContain('serial `0D:0E`');
    expect(text).toContain('*ACM serial:* `0A:0B:0C`');
    expect(text).toContain('SERVED_MISMATCH');
    expect(text).toContain('Compare the served serial');
  });
});

describe("a run's endpoints at its completion", () => {
  it('reports only the owners probed in this run, and resolves nothing of an owner it did not probe', async () => {
    const { runEndpoints } = await import('../../../../lambdas/core/probe/run');
    const old = run([], [], [[lb, stale]]);
    const file = endpoint({ source: 'file', host: 'vpn.example.com', sni: 'vpn.example.com', expectedSerials: [] });
    const fileRun = run([], [], [[file, { kind: 'served', served: served({ notAfter: inDays(2) }) }]]);

    const now = runEndpoints(
      [
        {
          accountId: '111111111111',
          accountName: 'shop',
          runId: 'r1',
          probedAt: NOW.toISOString(),
          endpoints: old.endpoints,
        },
        { accountId: 'file', runId: 'r2', probedAt: NOW.toISOString(), endpoints: fileRun.endpoints },
      ],
      'r2',
      { now: NOW },
    );

    expect(now.endpoints.map((e) => e.host)).toEqual(['vpn.example.com']);
    expect(now.incidents.map((i) => [i.kind, i.accountId])).toEqual([['ENDPOINT_EXPIRING', '']]);
    expect([...now.coverage.probedOwners]).toEqual(['file']);
    const plan = planAlerts(old.states, now.incidents, { now: NOW, targets: [], endpoints: now.coverage });
    expect(plan.notices.map((n) => [n.incident.kind, n.stage])).toEqual([['ENDPOINT_EXPIRING', 'opened']]);
  });
});

describe('names held by several accounts', () => {
  it("does not call a name mismatched for serving another account's certificate for it", async () => {
    const { acrossAccounts } = await import('../../../../lambdas/core/probe/run');
    const mine = endpoint({ accountId: '111111111111', expectedSerials: ['0A:0B:0C'] });
    const theirs = endpoint({ accountId: '222222222222', expectedSerials: ['0D:0E'] });
    const other = endpoint({ host: 'x.example.com', sni: 'x.example.com', accountId: '111111111111' });
    const servesTheirs: ProbeOutcome = { kind: 'served', served: served({ serial: '0D:0E' }) };

    const [a, b, c] = acrossAccounts(
      advanceEndpoints(
        [],
        [mine, theirs, other].map((e) => assessEndpoint(e, servesTheirs, ctx)),
      ).endpoints,
    );

    expect([a?.status, a?.findings]).toEqual(['ok', []]);
    expect(b?.findings).toEqual([]);
    expect(c?.findings).toEqual(['SERVED_MISMATCH']);
  });
});

describe("one certificate's endpoints", () => {
  const name = endpoint({ accountId: '111111111111', region: 'eu-west-1' });

  it('page once for the same problem on its load balancer and its name, naming both', () => {
    const first = run(
      [],
      [],
      [
        [lb, stale],
        [name, stale],
      ],
    );

    expect(first.incidents).toHaveLength(1);
    expect(first.incidents[0]?.endpointIdentities).toHaveLength(2);
    expect(first.notices.map((n) => n.stage)).toEqual(['opened']);
    expect(JSON.stringify(renderAlert(first.notices[0] as (typeof first.notices)[number]).blocks)).toContain(
      '*Also on:* `shop.example.com at shop-1.eu-west-1.elb.amazonaws.com:443`',
    );
  });

  it('resolve only once every one of them is probed without the problem', () => {
    const first = run(
      [],
      [],
      [
        [lb, stale],
        [name, stale],
      ],
    );
    const half = run(first.endpoints, first.states, [
      [lb, renewed],
      [name, down],
    ]);
    const all = run(half.endpoints, half.states, [
      [lb, renewed],
      [name, renewed],
    ]);

    expect(half.notices).toEqual([]);
    expect(all.notices.map((n) => n.stage)).toEqual(['resolved']);
  });
});
