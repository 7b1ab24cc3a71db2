/**
 * p6 on a small organization without added latency: every renewal failure reaches on-call once, through batches
 * with duplicates, bursts and a replay, and the next daily run sends none of them again.
 */
import { describe, expect, it } from 'vitest';
import { runP6 } from '../../../bench/events';
import { goals, summaryTable } from '../../../bench/run';
import { runSteadyState } from '../../../bench/steady-state';

describe('p6, the event path benchmark', () => {
  it('measures one latency per alert and counts no alert sent twice', async () => {
    const result = await runP6({ accounts: 8, failures: 3, bursts: 2, latencyMs: 0 });

    expect(result.alerts).toEqual({ failuresCaused: 5, sent: 5, duplicatesSent: 0, resentByNextRun: 0 });
    expect(result.latency.samples).toBe(5);
    expect(result.latency.p95Ms).toBeGreaterThanOrEqual(result.latency.p50Ms);
    expect(result.events.approachingExpiration).toBeGreaterThan(0);
    expect(result.events.rescans).toBe(5);
    expect(goals({ p6: result }).p6DuplicatesSent).toEqual({ goal: '0', value: 0, met: true });
    expect(summaryTable({ p6: result })).toContain('p6 alerts sent twice');
  }, 180_000);

  it('p2 with dirty marks leaves most empty targets unlisted the next day and still finds every change', async () => {
    const shape = { accounts: 6, perActiveTarget: { min: 0, max: 4 }, activeRegionsPerAccount: { min: 1, max: 2 } };
    const plain = await runSteadyState({ shape, churnDays: 1, churnFraction: 0.5, seed: 5, latencyMs: 0 });
    const marked = await runSteadyState({
      shape,
      churnDays: 1,
      churnFraction: 0.5,
      seed: 5,
      latencyMs: 0,
      dirtyMarks: true,
    });
    const [plainDay, markedDay] = [plain.days[1], marked.days[1]];

    expect(markedDay?.skippedClean).toBeGreaterThan(0);
    expect(markedDay?.acmCalls['ACM.ListCertificates']).toBeLessThan(plainDay?.acmCalls['ACM.ListCertificates'] ?? 0);
    expect(markedDay?.check.missing).toEqual(plainDay?.check.missing);
    expect(markedDay?.check.unexplained).toEqual([]);
  }, 240_000);
});
