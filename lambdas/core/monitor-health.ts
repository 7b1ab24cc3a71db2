/**
 * Failures of the monitor itself, told apart from failures of the accounts it watches. A scan that read ACM fine
 * but could not read or store its state in the monitor's own table is the monitor's trouble: the target is
 * `partial` with STATE_TABLE_FAILED (never an access problem, never a coverage gap of the account), its certificates
 * are still reported (marked "not stored"), and on-call hears about the table only when the trouble persists,
 * through the monitor-health incident (the alerts channel the heartbeat speaks in), not once per account.
 */
import { likelyCauseOf, STATE_STORE_ERROR_NAME, STATE_TABLE_FAILED } from './failures';
import type { TargetResult } from './model';
import type { Incident } from './notices';

/** On-call is told when more than this many targets of one run hit the state table's trouble (or two runs in a row did). */
const DEFAULT_STATE_TABLE_ALERT_TARGETS = 3;

export const MONITOR_STATE_TABLE_KEY = 'MONITOR_STATE_TABLE#state-table';

/** Stands in for the account and region of an incident that belongs to the monitor, not to a member account. */
const MONITOR_SCOPE = '*';

/** Whether a target failed because of the monitor's own state table rather than anything in its account. */
export function isStateTableFailure(target: Pick<TargetResult, 'errorCode'>): boolean {
  return target.errorCode === STATE_TABLE_FAILED || target.errorCode === STATE_STORE_ERROR_NAME;
}

/**
 * The target's result once its state could not be read (`read`) or stored (`store`): `partial` with the monitor's
 * code, unless the account itself already failed (`error`: that is the coverage gap it is, whatever the table did).
 * What the scan found missing in ACM stays in the message.
 */
export function stateTableFailure(
  result: TargetResult,
  step: 'read' | 'store',
  detail: { code: string; message: string },
): TargetResult {
  const what =
    step === 'read'
      ? `the monitor's state table could not be read (${detail.code}): the certificates read from ACM are reported, not compared with the last scan and not stored`
      : `the monitor's state table could not store this scan (${detail.code}): the certificates read from ACM are reported but not stored; the next run stores them`;
  if (result.status === 'error') {
    return { ...result, errorMessage: `${result.errorMessage ?? ''}; and ${what}` };
  }
  const earlier = result.errorCode !== undefined ? `; also ${result.errorCode}: ${result.errorMessage ?? ''}` : '';
  return {
    ...result,
    status: 'partial',
    errorCode: STATE_TABLE_FAILED,
    likelyCause: likelyCauseOf(STATE_TABLE_FAILED),
    errorMessage: `${what}. Nothing is wrong in this account${earlier}`,
  };
}

/**
 * The certificates a run knows: the stored snapshot, with what the run read but could not store in its place (a
 * target's scan that the state table failed is newer than the snapshot of that target).
 */
export function withNotStored<C extends { arn: string }>(snapshot: readonly C[], notStored: readonly C[]): C[] {
  if (notStored.length === 0) return [...snapshot];
  const byArn = new Map(snapshot.map((certificate) => [certificate.arn, certificate]));
  for (const certificate of notStored) byArn.set(certificate.arn, certificate);
  return [...byArn.values()];
}

export interface StateTableHealthOptions {
  /** @default DEFAULT_STATE_TABLE_ALERT_TARGETS */
  alertTargets?: number;
}

/**
 * The monitor-health incident, present when the state table's trouble persists: more than `alertTargets` targets
 * of this run hit it, or some did and the previous run had some too. One passing throttle on one target is
 * reported in the digest and the report only.
 */
export function stateTableIncident(
  targets: readonly TargetResult[],
  previousRunFailures: ReadonlyArray<{ errorCode: string }> | undefined,
  options: StateTableHealthOptions = {},
): Incident | undefined {
  const failing = targets.filter(isStateTableFailure);
  if (failing.length === 0) return undefined;
  const repeated = (previousRunFailures ?? []).some((failure) => isStateTableFailure(failure));
  if (!repeated && failing.length <= (options.alertTargets ?? DEFAULT_STATE_TABLE_ALERT_TARGETS)) return undefined;
  const first = failing[0] as TargetResult;
  return {
    key: MONITOR_STATE_TABLE_KEY,
    kind: 'MONITOR_STATE_TABLE',
    accountId: MONITOR_SCOPE,
    region: MONITOR_SCOPE,
    errorCode: STATE_TABLE_FAILED,
    reason:
      `${failing.length} of ${targets.length} targets in this run${repeated ? ' (and in the previous run)' : ''}: ` +
      (first.errorMessage ?? ''),
  };
}
