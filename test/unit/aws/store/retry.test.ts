import { describe, expect, it } from 'vitest';
import { StateTableRetryStrategy } from '../../../../lambdas/aws/store/retry';

describe('StateTableRetryStrategy', () => {
  it('backs off exponentially up to the ceiling and gives up after the last attempt', async () => {
    // Prepare
    const strategy = new StateTableRetryStrategy({
      maxAttempts: 6,
      baseDelayMs: 100,
      maxDelayMs: 500,
      random: () => 1,
    });
    let token = await strategy.acquireInitialRetryToken('');
    const delays: number[] = [];
    // Act
    for (let i = 0; i < 5; i++) {
      token = await strategy.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' });
      delays.push(token.getRetryDelay());
    }
    const sixth = strategy.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' });
    // Assess
    expect(delays).toEqual([100, 200, 400, 500, 500]);
    await expect(sixth).rejects.toThrow();
    expect(strategy.stats).toEqual({ retries: 5, exhausted: 1, byType: { THROTTLING: 5 } });
  });

  it('never retries a failed condition, even one the SDK classes as transient after correcting its clock', async () => {
    // Prepare
    const strategy = new StateTableRetryStrategy();
    const token = await strategy.acquireInitialRetryToken('');
    const failed = Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
      $metadata: { httpStatusCode: 400, clockSkewCorrected: true },
    });
    // Act
    const refresh = strategy.refreshRetryTokenForRetry(token, { errorType: 'TRANSIENT', error: failed });
    // Assess
    await expect(refresh).rejects.toThrow();
  });

  it('never retries a client error (a failed condition, a validation error)', async () => {
    // Prepare
    const strategy = new StateTableRetryStrategy();
    const token = await strategy.acquireInitialRetryToken('');
    // Act
    const refresh = strategy.refreshRetryTokenForRetry(token, { errorType: 'CLIENT_ERROR' });
    // Assess
    await expect(refresh).rejects.toThrow();
    expect(strategy.stats).toEqual({ retries: 0, exhausted: 0, byType: {} });
  });

  it('keeps the worst case of one call under the save step’s 30-second margin', async () => {
    // Prepare
    const strategy = new StateTableRetryStrategy({ random: () => 1 });
    let token = await strategy.acquireInitialRetryToken('');
    let total = 0;
    // Act
    for (;;) {
      try {
        token = await strategy.refreshRetryTokenForRetry(token, { errorType: 'SERVER_ERROR' });
      } catch {
        break;
      }
      total += token.getRetryDelay();
    }
    // Assess
    expect(token.getRetryCount()).toBe(9);
    expect(total).toBeLessThan(30_000);
  });
});
