/** Counts of every call the simulator answered, by service, operation, account, region and outcome. */

/** Service names as counters and faults use them (the model's `Service.Operation` keys use the same). */
export const SIM_SERVICES = [
  'ACM',
  'STS',
  'Organizations',
  'Account',
  'Tagging',
  'S3',
  'SecretsManager',
  'Route53',
  'ELBv2',
  'CloudFront',
  'APIGateway',
] as const;
export type SimService = (typeof SIM_SERVICES)[number];

/**
 * - ok: answered normally
 * - throttled: a throttling error (quota exceeded or an injected throttle storm)
 * - faulted: an injected server error
 * - error: any other AWS error (access denied, disabled region, unknown certificate, bad request...)
 */
export type CallOutcome = 'ok' | 'throttled' | 'faulted' | 'error';

export interface CallRecord {
  service: SimService | string;
  operation: string;
  /** The caller's account ('unknown' for credentials the simulator did not issue). */
  accountId: string;
  region: string;
  outcome: CallOutcome;
}

export type CallFilter = Partial<CallRecord>;

export interface CountersSnapshot {
  total: number;
  byOutcome: Record<CallOutcome, number>;
  byService: Record<string, number>;
  /** Keyed `Service.Operation`, e.g. `ACM.DescribeCertificate`. */
  byOperation: Record<string, number>;
  byAccount: Record<string, number>;
  byRegion: Record<string, number>;
  /** Throttled answers by `Service.Operation`. */
  throttledByOperation: Record<string, number>;
}

export class Counters {
  private readonly counts = new Map<string, { call: CallRecord; count: number }>();

  record(call: CallRecord): void {
    const key = [call.service, call.operation, call.accountId, call.region, call.outcome].join('|');
    const entry = this.counts.get(key);
    if (entry) entry.count++;
    else this.counts.set(key, { call: { ...call }, count: 1 });
  }

  /** Calls matching every field given (all calls without a filter). */
  total(filter: CallFilter = {}): number {
    let sum = 0;
    for (const { call, count } of this.counts.values()) if (matches(call, filter)) sum += count;
    return sum;
  }

  throttled(filter: Omit<CallFilter, 'outcome'> = {}): number {
    return this.total({ ...filter, outcome: 'throttled' });
  }

  faulted(filter: Omit<CallFilter, 'outcome'> = {}): number {
    return this.total({ ...filter, outcome: 'faulted' });
  }

  errors(filter: Omit<CallFilter, 'outcome'> = {}): number {
    return this.total({ ...filter, outcome: 'error' });
  }

  /** Every distinct call shape with its count. */
  entries(): Array<CallRecord & { count: number }> {
    return [...this.counts.values()].map(({ call, count }) => ({ ...call, count }));
  }

  snapshot(): CountersSnapshot {
    const snapshot: CountersSnapshot = {
      total: 0,
      byOutcome: { ok: 0, throttled: 0, faulted: 0, error: 0 },
      byService: {},
      byOperation: {},
      byAccount: {},
      byRegion: {},
      throttledByOperation: {},
    };
    const add = (bucket: Record<string, number>, key: string, count: number) => {
      bucket[key] = (bucket[key] ?? 0) + count;
    };
    for (const { call, count } of this.counts.values()) {
      const operation = `${call.service}.${call.operation}`;
      snapshot.total += count;
      snapshot.byOutcome[call.outcome] += count;
      add(snapshot.byService, call.service, count);
      add(snapshot.byOperation, operation, count);
      add(snapshot.byAccount, call.accountId, count);
      add(snapshot.byRegion, call.region, count);
      if (call.outcome === 'throttled') add(snapshot.throttledByOperation, operation, count);
    }
    return snapshot;
  }

  reset(): void {
    this.counts.clear();
  }
}

function matches(call: CallRecord, filter: CallFilter): boolean {
  return (
    (filter.service === undefined || call.service === filter.service) &&
    (filter.operation === undefined || call.operation === filter.operation) &&
    (filter.accountId === undefined || call.accountId === filter.accountId) &&
    (filter.region === undefined || call.region === filter.region) &&
    (filter.outcome === undefined || call.outcome === filter.outcome)
  );
}
