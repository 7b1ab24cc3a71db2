/**
 * The record of a completed run, built the same way by the pipeline's FinalizeRun and by a CLI audit against a
 * state table, so the heartbeat and the digest read one shape whoever ran.
 */
import { countRegions, type TargetResult } from './model';
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
    regions: countRegions(run.targets),
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
