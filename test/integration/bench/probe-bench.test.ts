/**
 * p7's machinery at a small size: the planted endpoints are built, probed with the product's probe, and the findings
 * counted against what was planted. Timings are the machine's and not asserted; the counts are exact.
 */
import { describe, expect, it } from 'vitest';
import { runP7 } from '../../../bench/probe';

describe('bench p7 (the TLS probe)', () => {
  it('probes every endpoint and finds what was planted on it, and nothing else', async () => {
    const result = await runP7({ endpoints: 30, unreachable: 3, plantedPerKind: 2, timeoutMs: 700, concurrency: 10 });

    // 2 each of stale, expired and wrong name (two findings each), 2 without intermediate, 3 unreachable.
    expect(result.planted).toBe(2 * 2 * 3 + 2 + 3);
    expect(result).toMatchObject({ found: result.planted, missed: 0, falseFindings: 0, matched: true });
    expect(result.byFinding).toEqual({
      SERVED_MISMATCH: 6,
      SERVED_EXPIRING: 2,
      SERVED_EXPIRED: 2,
      HOSTNAME_MISMATCH: 2,
      CHAIN_INCOMPLETE: 2,
      ENDPOINT_UNREACHABLE: 3,
    });
    expect(result.wallSeconds).toBeGreaterThanOrEqual(0.7);
  });
});
