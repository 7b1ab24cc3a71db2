import { describe, expect, it } from 'vitest';
import {
  createRateLimiter,
  DEFAULT_DESCRIBE_BURST,
  DEFAULT_DESCRIBE_RATE_PER_SECOND,
  RateLimiterClosedError,
} from '../../../lambdas/aws/rate-limit';

/** A clock that only moves when a task sleeps, so pacing is checked without waiting. */
function virtualClock() {
  let time = 0;
  return {
    clock: () => new Date(time),
    sleep: async (ms: number) => {
      time += ms;
    },
  };
}

describe('createRateLimiter', () => {
  it('starts calls one interval apart at the configured rate', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ concurrency: 1, ratePerSecond: 10, ...clock });
    const starts: number[] = [];

    for (let i = 0; i < 5; i++) await limiter.run(async () => starts.push(clock.clock().getTime()));

    expect(starts).toEqual([0, 100, 200, 300, 400]);
  });

  it('lets a burst start together, then paces', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ concurrency: 1, ratePerSecond: 10, burst: 3, ...clock });
    const starts: number[] = [];

    for (let i = 0; i < 5; i++) await limiter.run(async () => starts.push(clock.clock().getTime()));

    expect(starts).toEqual([0, 0, 0, 100, 200]);
  });

  it('at the default describe pace, makes up a stall yet never starts more than 10 calls in a second', async () => {
    // Every fifth call, the caller stalls 400 ms (a busy event loop) before asking for its turn.
    const startsWith = async (burst: number) => {
      let time = 0;
      const limiter = createRateLimiter({
        concurrency: 1,
        ratePerSecond: DEFAULT_DESCRIBE_RATE_PER_SECOND,
        burst,
        clock: () => new Date(time),
        sleep: async (ms) => {
          time += ms;
        },
      });
      const starts: number[] = [];
      for (let i = 0; i < 200; i++) {
        if (i % 5 === 4) time += 400;
        await limiter.run(async () => starts.push(time));
      }
      return starts;
    };

    const paced = await startsWith(DEFAULT_DESCRIBE_BURST);
    const evenly = await startsWith(1);

    const mostInOneSecond = Math.max(
      ...paced.map((start) => paced.filter((t) => t >= start && t < start + 1000).length),
    );
    expect(mostInOneSecond).toBeLessThanOrEqual(10);
    expect(paced.at(-1)).toBeLessThan(evenly.at(-1) as number);
  });

  it('never has more than `concurrency` tasks in flight', async () => {
    const limiter = createRateLimiter({ concurrency: 3, ratePerSecond: 1000, burst: 1000 });
    let inFlight = 0;
    let most = 0;

    await Promise.all(
      Array.from({ length: 20 }, () =>
        limiter.run(async () => {
          inFlight++;
          most = Math.max(most, inFlight);
          await new Promise((resolve) => setImmediate(resolve));
          inFlight--;
        }),
      ),
    );

    expect(most).toBe(3);
  });

  it('refuses tasks once closed, without waiting for a token', async () => {
    const clock = virtualClock();
    let open = true;
    const limiter = createRateLimiter({ concurrency: 1, ratePerSecond: 1, isOpen: () => open, ...clock });

    await limiter.run(async () => 'first');
    open = false;
    const refused = await limiter.run(async () => 'second').catch((e: unknown) => e);

    expect(refused).toBeInstanceOf(RateLimiterClosedError);
    expect(clock.clock().getTime()).toBe(0);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => createRateLimiter({ concurrency: 1, ratePerSecond: 0 })).toThrow(/ratePerSecond/);
  });
});
