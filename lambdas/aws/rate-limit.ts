/**
 * Pacing of the per-certificate calls of one target (DescribeCertificate, ListTagsForCertificate): a bound on calls
 * in flight plus a token bucket, so the scanner stays under the per-account-region quota instead of leaning on
 * throttling and retries. Quotas are per account and region, so each target gets its own limiters.
 */
import pLimit from 'p-limit';
import { type Clock, systemClock } from '../core/ports';

/**
 * DescribeCertificate and ListTagsForCertificate allow 10 calls/s per account-region, a quota shared with every other
 * tool and person reading ACM in that account. The scanner takes 8 and leaves 2/s of headroom, so a console user or
 * a deployment pipeline is not throttled because the monitor is running.
 */
export const DEFAULT_DESCRIBE_RATE_PER_SECOND = 8;
/**
 * Describes that may start back to back when the scanner fell behind its pace (a busy event loop, a slow answer):
 * 2, so it catches up one call instead of losing the time for good, and still never starts more than
 * 2 + 8 = 10 calls in any one second, ACM's quota, however the quota's window is counted.
 */
export const DEFAULT_DESCRIBE_BURST = 2;

export interface RateLimiterOptions {
  /** Calls in flight at most. */
  concurrency: number;
  /** Calls started per second at most, on average. */
  ratePerSecond: number;
  /**
   * Calls that may start back to back after an idle spell. 1 spaces every call evenly, which keeps any one-second
   * window at or under the rate whatever way the quota is counted.
   * @default 1
   */
  burst?: number;
  /**
   * Checked when a task's turn comes, before it waits for a token: false refuses the task with
   * RateLimiterClosedError (how a scan stops starting calls when its time budget runs out).
   */
  isOpen?: () => boolean;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
}

export class RateLimiterClosedError extends Error {
  constructor() {
    super('the rate limiter no longer starts tasks');
    this.name = 'RateLimiterClosedError';
  }
}

export interface RateLimiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks waiting for a slot (not yet started). */
  readonly pending: number;
}

/**
 * The token bucket is kept as the time the next call may start (the generic cell rate algorithm): each start pushes
 * it one interval further; a burst lets it lag behind the clock by `burst - 1` intervals.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  if (!(options.ratePerSecond > 0)) throw new Error(`ratePerSecond must be positive, got ${options.ratePerSecond}`);
  if (!(options.concurrency >= 1)) throw new Error(`concurrency must be at least 1, got ${options.concurrency}`);
  const interval = 1000 / options.ratePerSecond;
  const burst = Math.max(1, options.burst ?? 1);
  const clock = options.clock ?? systemClock;
  const now = () => clock().getTime();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const limit = pLimit(Math.floor(options.concurrency));
  let nextStart = Number.NEGATIVE_INFINITY;

  const reserve = (): number => {
    const t = now();
    const start = Math.max(t, nextStart - (burst - 1) * interval);
    nextStart = Math.max(nextStart, start) + interval;
    return start - t;
  };

  return {
    run: (task) =>
      limit(async () => {
        if (options.isOpen && !options.isOpen()) throw new RateLimiterClosedError();
        const wait = reserve();
        if (wait > 0) await sleep(wait);
        return task();
      }),
    get pending() {
      return limit.pendingCount;
    },
  };
}
