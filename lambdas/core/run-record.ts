/**
 * The record of a completed run, built the same way by the pipeline's FinalizeRun and by a CLI audit against a
 * state table, so the heartbeat and the digest read one shape whoever ran.
 */
import type { TargetResult } from './model';
import type { RunRecord } from './ports';
import type { Report } from './report';

export interface CompletedRun {
  runId: string;
  startedAt: string;
  completedAt: Date;
  targets: readonly TargetResult[];
  report: Report;
  changes: number;
}

export function completedRunRecord(run: CompletedRun): RunRecord {
  const skippedClean = run.targets.filter((target) => target.skippedClean !== undefined).length;
  return {
    runId: run.runId,
    startedAt: run.startedAt,
    completedAt: run.completedAt.toISOString(),
    status: 'completed',
    targets: run.targets.length,
    targetsFailed: run.report.summary.targetsFailed,
    certificates: run.report.summary.certificates,
    accounts: run.report.summary.accounts,
    // Region '*' marks an account that could not be scanned at all: not a region.
    regions: new Set(run.targets.filter((t) => t.region !== '*').map((t) => t.region)).size,
    changes: run.changes,
    ...(skippedClean > 0 ? { skippedClean } : {}),
    failures: run.targets
      .filter((target) => target.status !== 'ok')
      .map((target) => ({
        accountId: target.accountId,
        ...(target.accountName ? { accountName: target.accountName } : {}),
        region: target.region,
        errorCode: target.errorCode ?? target.status,
        errorMessage: target.errorMessage ?? '',
      })),
  };
}
