/**
 * Request-rate quotas per account, region and operation, as token buckets that allow a burst up to the rate.
 * They run on real monotonic time (performance.now), not on the simulation clock: the business clock can jump
 * days while the SDK's retries wait real milliseconds.
 */
import { performance } from 'node:perf_hooks';

/** Calls per second by operation name; `default` applies to every operation not named. */
export interface Quotas {
  DescribeCertificate: number;
  ListTagsForCertificate: number;
  ListCertificates: number;
  GetResources: number;
  default: number;
  [operation: string]: number;
}

export const DEFAULT_QUOTAS: Quotas = {
  DescribeCertificate: 10,
  ListTagsForCertificate: 10,
  ListCertificates: 8,
  GetResources: 10,
  default: 100,
};

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  readonly quotas: Quotas;

  constructor(
    quotas: Partial<Quotas> = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    this.quotas = { ...DEFAULT_QUOTAS, ...stripUndefined(quotas) };
  }

  rateOf(operation: string): number {
    return this.quotas[operation] ?? this.quotas.default;
  }

  /** Takes a token for the call; false when the bucket is empty (the call is throttled). */
  tryTake(accountId: string, region: string, operation: string): boolean {
    const rate = this.rateOf(operation);
    if (rate === Number.POSITIVE_INFINITY) return true;
    if (!(rate > 0)) return false;
    // Bursts up to the rate; a rate below 1/s still lets one call through when its token has refilled.
    const capacity = Math.max(1, rate);
    const key = `${accountId}|${region}|${operation}`;
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: capacity, updatedAt: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * rate);
    bucket.updatedAt = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Changes one operation's rate (calls per second) from now on. */
  setQuota(operation: string, perSecond: number): void {
    this.quotas[operation] = perSecond;
    for (const key of this.buckets.keys()) if (key.endsWith(`|${operation}`)) this.buckets.delete(key);
  }

  reset(): void {
    this.buckets.clear();
  }
}

function stripUndefined(quotas: Partial<Quotas>): Record<string, number> {
  return Object.fromEntries(Object.entries(quotas).filter(([, value]) => value !== undefined)) as Record<
    string,
    number
  >;
}
