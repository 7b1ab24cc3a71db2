/**
 * The table actions the hub grants each Lambda (TABLE_ACCESS) against the DynamoDB requests its use case really
 * sends: a first run, a churned day and an hourly heartbeat through the pipeline's use cases on a small simulated
 * organization, with every request metered per function. The local table does not enforce IAM, so this is where a
 * request the grant lacks shows up before AWS refuses it.
 */
import { describe, expect, it } from 'vitest';
import { runSteadyState } from '../../../bench/steady-state';
import { TABLE_ACCESS } from '../../../lambdas/pipeline/table-access';

const SMALL = { accounts: 3, perActiveTarget: { min: 2, max: 5 }, activeRegionsPerAccount: { min: 1, max: 2 } };

describe('per-function table actions', () => {
  it('cover every DynamoDB request each function makes over a first run, a churned day and a heartbeat', async () => {
    const run = await runSteadyState({ shape: SMALL, churnDays: 1, churnFraction: 0.5, seed: 7, latencyMs: 0 });

    const sent: Record<keyof typeof TABLE_ACCESS, Set<string>> = {
      listTargets: new Set(),
      scanTarget: new Set(),
      finalizeRun: new Set(),
      heartbeat: new Set(Object.keys(run.heartbeat.dynamo.requests)),
      // Metered over its own polls in test/integration/pipeline/ct-watch.test.ts.
      ctWatch: new Set(),
      // The event path is metered by its own test (test/integration/events/event-path.test.ts).
      events: new Set(),
    };
    for (const day of run.days) {
      for (const fn of ['listTargets', 'scanTarget', 'finalizeRun'] as const) {
        for (const operation of Object.keys(day.usage.dynamo[fn].requests)) sent[fn].add(operation);
      }
    }

    for (const [fn, operations] of Object.entries(sent)) {
      const granted = TABLE_ACCESS[fn as keyof typeof TABLE_ACCESS].actions;
      for (const operation of operations)
        expect(granted, `${fn} sends ${operation}`).toContain(`dynamodb:${operation}`);
    }
    expect(sent.scanTarget.size).toBeGreaterThan(3);
    expect(sent.finalizeRun.size).toBeGreaterThan(3);
    expect(sent.heartbeat.size).toBeGreaterThan(0);
  });
});
