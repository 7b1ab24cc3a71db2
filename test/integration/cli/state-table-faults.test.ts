/**
 * The `audit` command with --state-table over several days, its table behind the fault proxy: what on-call hears
 * and what the reports list must be what they are without faults. Worlds are run one after the other (the SDK finds
 * the simulator through the environment), each with its own simulator, dynalite, proxy and Slack receiver.
 */
import { describe, expect, it } from 'vitest';
import { STATE_TABLE_FAILED } from '../../../lambdas/core/failures';
import {
  compareWorlds,
  type FaultRunOptions,
  importExpiringCertificate,
  runFaultWorld,
} from '../../../local/state-table-faults';

const COMMON: FaultRunOptions = {
  days: 6,
  seed: 4242,
  accounts: 4,
  regions: ['us-east-1', 'eu-west-1'],
  churn: 0.15,
};

describe('the audit command against a busy state table', () => {
  it('sends the same alerts on the same days, none lost or twice, and reports every certificate read', async () => {
    // Prepare: harsher than the month measured for the issue, so a few days meet every kind of fault, and every day
    // the answers to the first two alert-lease claims are lost
    const baseline = await runFaultWorld(COMMON);
    // Act
    const faulted = await runFaultWorld({
      ...COMMON,
      table: { writeThrottle: 0.15, writeAnswerLost: 0.15, readServerError: 0.1, readThrottle: 0.05 },
      awsFaultsPerDay: 4,
      beforeDay: (_day, { proxy }) => {
        proxy.clearForced();
        proxy.force('answerLost', 2, 'UpdateItem', '":lease"');
      },
    });
    // Assess
    const comparison = compareWorlds(baseline, faulted);
    expect(baseline.days.flatMap((day) => day.alerts).length).toBeGreaterThan(2);
    expect(faulted.proxy.throttled).toBeGreaterThan(50);
    expect(faulted.proxy.answersLost).toBeGreaterThan(10);
    expect(faulted.proxy.serverErrors).toBeGreaterThan(10);
    expect(comparison).toMatchObject({
      noise: [],
      lost: [],
      duplicates: [],
      delayed: [],
      coverageGapPages: 0,
      monitorHealthPages: 0,
      missingCertificates: 0,
      stateTableTargets: 0,
    });
    expect(faulted.days.map((day) => day.report.summary.certificates)).toEqual(
      baseline.days.map((day) => day.report.summary.certificates),
    );
  }, 120_000);

  it('reports a table that stays down as the monitor’s trouble: partial targets, not stored, one monitor page', async () => {
    // Prepare: every BatchWriteItem throttled on days 1 and 2 (the snapshot cannot be stored), fine again on day 3;
    // on day 1 a certificate expiring in 5 days is imported into a target that holds some already
    let imported = '';
    const outage: FaultRunOptions = {
      ...COMMON,
      days: 4,
      tableRetry: { baseDelayMs: 1, maxDelayMs: 2 },
      beforeDay: (day, { proxy, sim }) => {
        proxy.clearForced();
        if (day === 1 || day === 2) proxy.force('throttle', 1_000_000, 'BatchWriteItem');
        if (day !== 1) return;
        imported = importExpiringCertificate(sim);
      },
    };
    // Act
    const world = await runFaultWorld(outage);
    // Assess
    const [, day1, day2, day3] = world.days;
    const down = day1!.report.targets.filter((target) => target.errorCode === STATE_TABLE_FAILED);
    expect(down.length).toBeGreaterThan(3);
    expect(down.every((target) => target.status === 'partial')).toBe(true);
    expect(down[0]!.errorMessage).toMatch(/the monitor's state table could not store this scan/);
    expect(day1!.missing).toEqual([]);
    expect(day1!.report.certificates.some((cert) => cert.notStored === true)).toBe(true);
    const alerts = world.days.flatMap((day) => day.alerts);
    expect(alerts.filter((id) => id.startsWith('COVERAGE_GAP#'))).toEqual([]);
    expect(day1!.alerts.filter((id) => id.startsWith('MONITOR_STATE_TABLE#'))).toEqual([
      'MONITOR_STATE_TABLE#state-table#opened',
    ]);
    expect(day2!.alerts.filter((id) => id.startsWith('MONITOR_STATE_TABLE#'))).toEqual([]);
    expect(day3!.alerts.filter((id) => id.startsWith('MONITOR_STATE_TABLE#'))).toEqual([
      'MONITOR_STATE_TABLE#state-table#resolved',
    ]);
    expect(day1!.alerts).toContain(`EXPIRING_IN_USE#${imported}#opened`);
    expect(alerts.filter((id) => id === `EXPIRING_IN_USE#${imported}#opened`)).toHaveLength(1);
    expect(day3!.stateTableTargets).toBe(0);
    expect(day3!.report.certificates.some((cert) => cert.notStored === true)).toBe(false);
  }, 120_000);
});
