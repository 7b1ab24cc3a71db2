/**
 * The scan of one account-region target, shared by the ScanTarget Lambda and the CLI: list every certificate,
 * describe only what needs it and read its tags at the same time (each paced under its own quota), diff against the
 * stored snapshot, save.
 *
 * Tags are read with ACM's ListTagsForCertificate, only for the certificates described this run (new, changed, due
 * for a refresh); the others keep their stored tags. That keeps the audit role ACM-only: the bulk tagging API
 * (tag:GetResources) would save calls but cannot be limited to ACM, so it would let the role list every tagged
 * resource of every service in the account. The cost: a tag changed on an otherwise unchanged certificate shows
 * at its next refresh (within refreshDays), not the next morning.
 *
 * Whatever goes wrong is recorded on the TargetResult and the rest goes on: a refused role or a failed listing is
 * an `error` (the stored snapshot stays as it was), a describe that failed or was not started for lack of time is
 * `partial` (the stored detail of those certificates is kept). Only an `ok` scan may remove certificates.
 *
 * The monitor's own table failing (after the store's retries) is the monitor's trouble, not the account's: the
 * certificates read are still returned, the target is `partial` with STATE_TABLE_FAILED (core/monitor-health.ts),
 * and only that outcome is recorded, so the next run diffs against the snapshot as it was and stores the scan.
 */

import { describeCertificate, listCertificates, listCertificateTags } from '../aws/acm';
import { CallCounter } from '../aws/call-counter';
import type { OpenTargetClients, TargetClients } from '../aws/clients';
import { AwsAdapterError, awsErrorCode, awsErrorMessage } from '../aws/errors';
import {
  createRateLimiter,
  DEFAULT_DESCRIBE_BURST,
  DEFAULT_DESCRIBE_RATE_PER_SECOND,
  RateLimiterClosedError,
} from '../aws/rate-limit';
import { StateStoreError } from '../aws/state-store';
import { detectChanges } from '../core/changes';
import { mergeWithStored, needsDescribe } from '../core/describe-policy';
import { likelyCauseOf, refusesFurtherCalls, TIME_BUDGET_EXHAUSTED } from '../core/failures';
import {
  type Certificate,
  type Change,
  failedTarget,
  type Target,
  type TargetResult,
  type TargetStatus,
} from '../core/model';
import { stateTableFailure } from '../core/monitor-health';
import { DEFAULT_CHANGE_THRESHOLDS, DEFAULT_REFRESH_DAYS } from '../core/names';
import type { SnapshotStore, StoredTarget } from '../core/ports';
import { DEFAULT_DESCRIBE_CONCURRENCY } from '../core/settings';

/** Stop starting describes when less than this is left: in-flight calls, tags, the diff and the save still need time. */
const DEFAULT_SAFETY_MARGIN_MS = 30_000;

export interface ScanOptions {
  describeConcurrency: number;
  describeRatePerSecond: number;
  /** Describes that may start back to back after an idle spell. @default DEFAULT_DESCRIBE_BURST */
  describeBurst?: number;
  refreshDays: number;
  thresholds: readonly number[];
  ownerTagKey?: string;
  /** Certificates ACM renews (Amazon-issued, private), this close to expiry are described every run. @default RENEWAL_WINDOW_DAYS */
  renewalWindowDays?: number;
  /** Milliseconds left before the caller must return (a Lambda's `getRemainingTimeInMillis`); absent: no limit. */
  deadlineMs?: () => number;
  /** @default DEFAULT_SAFETY_MARGIN_MS */
  safetyMarginMs?: number;
  /**
   * Certificates described (and their tags read) whatever the describe policy says: those an event named, whose
   * renewal status, uses or tags may have changed without any field of the listing changing.
   */
  alsoDescribe?: readonly string[];
}

export const DEFAULT_SCAN_OPTIONS: ScanOptions = {
  describeConcurrency: DEFAULT_DESCRIBE_CONCURRENCY,
  describeRatePerSecond: DEFAULT_DESCRIBE_RATE_PER_SECOND,
  refreshDays: DEFAULT_REFRESH_DAYS,
  thresholds: DEFAULT_CHANGE_THRESHOLDS,
};

/** Structured log sink (Powertools Logger fits). */
export interface ScanLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface ScanTargetDeps {
  openClients: OpenTargetClients;
  /** Absent: nothing stored before (every certificate is described) and nothing saved: the one-shot audit. */
  store?: SnapshotStore;
  logger?: ScanLogger;
}

export interface ScanTargetInput {
  runId: string;
  target: Target;
  /** The scan's time: what days to expiry and threshold crossings are computed against. */
  now: Date;
  options: ScanOptions;
  /** Called once the target's certificates are listed, with how many, before any describe. */
  onListed?: (certificates: number) => void;
}

export interface ScanTargetOutput {
  result: TargetResult;
  /** `ok`: every certificate of the target; `partial`: every one listed; `error`: none. */
  certificates: Certificate[];
  changes: Change[];
  /** Answers that were throttling errors (each retried by the SDK), for the Throttles metric. */
  throttles: number;
}

/** What kept a scan from being complete, by error code. */
class Gaps {
  private readonly byCode = new Map<string, { count: number; message: string }>();

  add(code: string, message: string): void {
    const gap = this.byCode.get(code);
    if (gap) gap.count++;
    else this.byCode.set(code, { count: 1, message });
  }

  get empty(): boolean {
    return this.byCode.size === 0;
  }

  /** The time budget first (it explains the others), then the most frequent. */
  get code(): string | undefined {
    if (this.byCode.has(TIME_BUDGET_EXHAUSTED)) return TIME_BUDGET_EXHAUSTED;
    return [...this.byCode.entries()].sort((a, b) => b[1].count - a[1].count)[0]?.[0];
  }

  get message(): string {
    return [...this.byCode.entries()].map(([code, { count, message }]) => `${code} (${count}×): ${message}`).join('; ');
  }
}

export async function scanTarget(deps: ScanTargetDeps, input: ScanTargetInput): Promise<ScanTargetOutput> {
  const { runId, target, now } = input;
  const options = { ...DEFAULT_SCAN_OPTIONS, ...input.options };
  const calls = new CallCounter();
  const clock = performance.now();
  const log = { runId, accountId: target.accountId, region: target.region };
  /** Set when the stored snapshot could not be read: the scan is reported, not compared, not saved. */
  let readFailure: StateStoreError | undefined;

  const finish = async (
    status: TargetStatus,
    certificates: Certificate[],
    changes: Change[],
    problem?: { code: string; message: string; likelyCause?: string },
  ): Promise<ScanTargetOutput> => {
    const at = {
      startedAt: now.toISOString(),
      durationMs: Math.round(performance.now() - clock),
      apiCalls: calls.snapshot(),
    };
    const result: TargetResult =
      status === 'error' && problem
        ? failedTarget(target, problem, at)
        : {
            accountId: target.accountId,
            ...(target.accountName ? { accountName: target.accountName } : {}),
            region: target.region,
            status,
            ...(problem
              ? {
                  errorCode: problem.code,
                  errorMessage: problem.message,
                  likelyCause: problem.likelyCause ?? likelyCauseOf(problem.code),
                }
              : {}),
            certificateCount: certificates.length,
            ...at,
          };
    if (readFailure !== undefined) return monitorFailure(result, certificates, [], 'read', readFailure);
    try {
      await deps.store?.saveTargetScan({ runId, scannedAt: now.toISOString(), result, certificates, changes });
    } catch (error) {
      if (!(error instanceof StateStoreError)) throw error;
      return monitorFailure(result, certificates, changes, 'store', error);
    }
    if (status !== 'ok') deps.logger?.warn('target not fully scanned', { ...log, ...problem, status });
    return { result, certificates, changes, throttles: calls.throttles };
  };
  /**
   * Records only the outcome and, beside the run's results, the certificates read: nothing half-known reaches the
   * snapshot, and the run's report (built from the store in the pipeline) still lists them.
   */
  const monitorFailure = async (
    scanned: TargetResult,
    certificates: Certificate[],
    changes: Change[],
    step: 'read' | 'store',
    error: StateStoreError,
  ): Promise<ScanTargetOutput> => {
    const result = stateTableFailure(scanned, step, { code: error.code, message: error.message });
    deps.logger?.warn(`the monitor's state table failed (${step}): target reported, not stored`, {
      ...log,
      status: result.status,
      errorCode: error.code,
      errorMessage: error.message,
    });
    try {
      await deps.store?.saveTargetScan({
        runId,
        scannedAt: now.toISOString(),
        result,
        certificates: [],
        changes: [],
        notStored: certificates,
      });
    } catch (second) {
      deps.logger?.warn("the target's outcome could not be recorded either", { ...log, error: String(second) });
    }
    return { result, certificates, changes, throttles: calls.throttles };
  };
  const failed = (error: AwsAdapterError) =>
    finish('error', [], [], {
      code: error.code,
      message: error.message,
      ...(error.likelyCause ? { likelyCause: error.likelyCause } : {}),
    });

  // Loaded while the role is assumed and the certificates listed; a store that cannot be read fails the scan
  // (a diff against nothing would announce every certificate as new).
  const storedLoad: Promise<StoredTarget> = deps.store
    ? deps.store.loadTarget(target)
    : Promise.resolve({ certificates: [] });
  storedLoad.catch(() => undefined);

  let clients: TargetClients;
  try {
    clients = await deps.openClients(target, calls);
  } catch (error) {
    if (!(error instanceof AwsAdapterError)) throw error;
    return failed(error);
  }
  try {
    let summaries: Certificate[];
    try {
      summaries = await listCertificates(clients.acm, target);
    } catch (error) {
      if (!(error instanceof AwsAdapterError)) throw error;
      return failed(error);
    }
    input.onListed?.(summaries.length);
    let stored: StoredTarget;
    try {
      stored = await storedLoad;
    } catch (error) {
      if (!(error instanceof StateStoreError)) throw error;
      // Nothing to compare with: every certificate is described, none announced as changed, nothing saved.
      readFailure = error;
      stored = { certificates: [] };
    }
    const storedByArn = new Map(stored.certificates.map((certificate) => [certificate.arn, certificate]));
    const gaps = new Gaps();
    const budget = timeBudget(options);

    const certificates = (
      await describeWhatNeedsIt(clients, summaries, storedByArn, {
        ...options,
        now,
        budget,
        gaps,
        logger: deps.logger,
        log,
      })
    ).sort((a, b) => a.arn.localeCompare(b.arn));

    const status: TargetStatus = gaps.empty ? 'ok' : 'partial';
    const changes =
      readFailure !== undefined
        ? []
        : detectChanges(stored.certificates, certificates, {
            complete: status === 'ok',
            now,
            thresholds: options.thresholds,
            ...(stored.scannedAt ? { previousScannedAt: new Date(stored.scannedAt) } : {}),
            ...(options.ownerTagKey ? { ownerTagKey: options.ownerTagKey } : {}),
          });
    const code = gaps.code;
    return finish(status, certificates, changes, code ? { code, message: gaps.message } : undefined);
  } finally {
    clients.close();
  }
}

interface TimeBudget {
  /** False once less than the safety margin is left; stays false. */
  open(): boolean;
}

function timeBudget(options: ScanOptions): TimeBudget {
  const margin = options.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS;
  let exhausted = false;
  return {
    open: () => {
      if (!exhausted && options.deadlineMs && options.deadlineMs() < margin) exhausted = true;
      return !exhausted;
    },
  };
}

interface StepContext {
  describeConcurrency: number;
  describeRatePerSecond: number;
  describeBurst?: number;
  budget: TimeBudget;
  gaps: Gaps;
  logger: ScanLogger | undefined;
  log: Record<string, unknown>;
}

/**
 * Each certificate either described now (with its tags read alongside) or merged with its stored detail and tags.
 * A certificate deleted between the listing and its describe is left out; one that could not be described keeps
 * its stored detail, and one whose tags could not be read keeps its stored tags.
 */
async function describeWhatNeedsIt(
  clients: TargetClients,
  summaries: Certificate[],
  storedByArn: Map<string, Certificate>,
  context: StepContext & {
    now: Date;
    refreshDays: number;
    renewalWindowDays?: number;
    alsoDescribe?: readonly string[];
  },
): Promise<Certificate[]> {
  const forced = new Set(context.alsoDescribe ?? []);
  const policy = {
    now: context.now,
    refreshDays: context.refreshDays,
    ...(context.renewalWindowDays !== undefined ? { renewalWindowDays: context.renewalWindowDays } : {}),
  };
  // DescribeCertificate and ListTagsForCertificate have separate quotas, so each gets its own pacing.
  const describe = pacedCalls(context, 'DescribeCertificate');
  const listTags = pacedCalls(context, 'ListTagsForCertificate');
  const results = await Promise.all(
    summaries.map(async (summary): Promise<Certificate | undefined> => {
      const stored = storedByArn.get(summary.arn);
      const storedTags = stored?.tags ?? {};
      if (!forced.has(summary.arn) && !needsDescribe(summary, stored, policy))
        return { ...mergeWithStored(summary, stored), tags: storedTags };
      const [described, tags] = await Promise.all([
        describe.run(() => describeCertificate(clients.acm, summary, context.now)),
        listTags.run(() => listCertificateTags(clients.acm, summary)),
      ]);
      if (described === DELETED || tags === DELETED) return undefined;
      return {
        ...(described === KEPT ? mergeWithStored(summary, stored) : described),
        tags: tags === KEPT ? storedTags : tags,
      };
    }),
  );
  return results.filter((certificate): certificate is Certificate => certificate !== undefined);
}

/** The certificate is gone (deleted since it was listed). */
const DELETED = Symbol('deleted');
/** The call failed or was not started: the stored value stays. */
const KEPT = Symbol('kept');

/**
 * One kind of per-certificate call, paced under its quota. A failure is recorded as a gap and answered KEPT;
 * once the role is refused the call, no more of them start (every other one would fail the same way).
 */
function pacedCalls(context: StepContext, operation: string) {
  let refused = false;
  const limiter = createRateLimiter({
    concurrency: context.describeConcurrency,
    ratePerSecond: context.describeRatePerSecond,
    burst: context.describeBurst ?? DEFAULT_DESCRIBE_BURST,
    isOpen: () => !refused && context.budget.open(),
  });
  return {
    async run<T>(call: () => Promise<T>): Promise<T | typeof DELETED | typeof KEPT> {
      try {
        return await limiter.run(() =>
          call().catch((error: unknown) => {
            // Flagged before the slot is released, so no queued call starts after a refusal.
            const code = awsErrorCode(error);
            if (refusesFurtherCalls(code)) refused = true;
            throw error;
          }),
        );
      } catch (error) {
        if (error instanceof RateLimiterClosedError) {
          // After a refusal the refusal is the gap already recorded; otherwise time ran out.
          if (!refused) context.gaps.add(TIME_BUDGET_EXHAUSTED, 'time ran out before every certificate was described');
          return KEPT;
        }
        const code = awsErrorCode(error);
        if (code === 'ResourceNotFoundException') return DELETED;
        if (refusesFurtherCalls(code)) {
          context.logger?.warn(`${operation} refused, no more of these calls for this target`, {
            ...context.log,
            errorCode: code,
          });
        }
        context.gaps.add(code, `${operation} failed, stored values kept: ${awsErrorMessage(error)}`);
        return KEPT;
      }
    },
  };
}
