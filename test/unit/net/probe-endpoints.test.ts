import { describe, expect, it } from 'vitest';
import { SKIP_REASONS } from '../../../lambdas/core/probe/discovery';
import { probeEndpoints } from '../../../lambdas/net/probe-endpoints';
import type { ProbeEndpoint } from '../../../lambdas/net/tls-probe';
import { endpoint, NOW, served } from '../core/probe/fixtures';

describe('probing a list of endpoints', () => {
  it('probes each endpoint once, in the order given, passing skipped ones through', async () => {
    const probed: string[] = [];
    const probe: ProbeEndpoint = async (target) => {
      probed.push(target.host);
      return { kind: 'served', served: served() };
    };

    const results = await probeEndpoints(
      probe,
      [endpoint({ host: 'a.example.com' }), endpoint({ host: 'b.example.com', skippedReason: 'internal' })],
      { now: NOW, expiryDays: 30 },
    );

    expect(probed).toEqual(['a.example.com']);
    expect(results.map((r) => [r.host, r.status])).toEqual([
      ['a.example.com', 'ok'],
      ['b.example.com', 'skipped'],
    ]);
  });

  it('starts no probe once the caller is out of time: the rest are skipped with the reason, not unreachable', async () => {
    let left = 2;
    const probe: ProbeEndpoint = async () => ({ kind: 'served', served: served() });

    const results = await probeEndpoints(
      probe,
      ['a', 'b', 'c'].map((host) => endpoint({ host: `${host}.example.com` })),
      { now: NOW, expiryDays: 30, concurrency: 1, outOfTime: () => left-- <= 0 },
    );

    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'skipped']);
    expect(results[2]?.skippedReason).toBe(SKIP_REASONS.outOfTime);
  });
});
