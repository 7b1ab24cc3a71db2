/**
 * How the monitor's own DynamoDB client retries. The SDK's default for DynamoDB (3 attempts, a retry quota shared by
 * every call of the client) gives up on a busy table within a second or two, and a save that gave up turned a
 * healthy account into a coverage gap. This strategy rides out throttling: more attempts, exponential backoff with
 * full jitter, a ceiling per wait so the worst case stays inside the Lambdas' time budget, and no client-wide quota
 * (one throttled partition must not stop the writes to the others).
 *
 * Worst case with the defaults: 9 waits of at most 25, 50, ..., 3,200 then 5,000 ms, 11.4 s in all, for one call
 * that fails every attempt; ScanTarget keeps 30 s for its save (DEFAULT_SAFETY_MARGIN_MS). At 15 % throttled
 * writes a call waits about 2 ms on average, and all 10 attempts fail once in 170 million calls.
 *
 * It implements the SDK's RetryStrategyV2 contract structurally (acquire a token, refresh it per retry, record the
 * success), so no retry package beyond the SDK is needed.
 */

/** Attempts of one DynamoDB call (the first included). */
const STATE_TABLE_MAX_ATTEMPTS = 10;
const STATE_TABLE_BASE_DELAY_MS = 25;
const STATE_TABLE_MAX_DELAY_MS = 5_000;

/** The SDK's classification of a failed attempt (`RetryErrorType` in @smithy/types). */
type RetryErrorType = 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';

export interface StateTableRetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

export interface StateTableRetryOptions {
  /** @default STATE_TABLE_MAX_ATTEMPTS */
  maxAttempts?: number;
  /** @default STATE_TABLE_BASE_DELAY_MS */
  baseDelayMs?: number;
  /** @default STATE_TABLE_MAX_DELAY_MS */
  maxDelayMs?: number;
  /** @default Math.random */
  random?: () => number;
}

/** What a client with this strategy did, for tests and measurements. */
export interface StateTableRetryStats {
  retries: number;
  /** Calls that still failed after every attempt, on an error worth retrying (a throttle, a 5xx, a lost answer). */
  exhausted: number;
  /** Retries by error type. */
  byType: Partial<Record<RetryErrorType, number>>;
}

export class StateTableRetryStrategy {
  readonly mode = 'standard';
  readonly stats: StateTableRetryStats = { retries: 0, exhausted: 0, byType: {} };
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;

  constructor(options: StateTableRetryOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? STATE_TABLE_MAX_ATTEMPTS;
    this.baseDelayMs = options.baseDelayMs ?? STATE_TABLE_BASE_DELAY_MS;
    this.maxDelayMs = options.maxDelayMs ?? STATE_TABLE_MAX_DELAY_MS;
    this.random = options.random ?? Math.random;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new RangeError(`maxAttempts must be a positive integer, got ${this.maxAttempts}`);
    }
  }

  async acquireInitialRetryToken(_scope: string): Promise<StateTableRetryToken> {
    return token(0, 0);
  }

  /** Throws (the SDK then throws the call's last error) when the error is not worth retrying or attempts ran out. */
  async refreshRetryTokenForRetry(
    previous: StateTableRetryToken,
    errorInfo: { errorType: RetryErrorType; error?: unknown; retryAfterHint?: Date },
  ): Promise<StateTableRetryToken> {
    const retries = previous.getRetryCount() + 1;
    if (errorInfo.errorType === 'CLIENT_ERROR' || isAnswer(errorInfo.error)) {
      throw new Error('not retried: the same request would fail the same way');
    }
    if (retries >= this.maxAttempts) {
      this.stats.exhausted++;
      throw new Error('no more retries');
    }
    this.stats.retries++;
    this.stats.byType[errorInfo.errorType] = (this.stats.byType[errorInfo.errorType] ?? 0) + 1;
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (retries - 1));
    return token(retries, Math.round(this.random() * ceiling));
  }

  recordSuccess(_token: StateTableRetryToken): void {}
}

/**
 * DynamoDB's definite answers to a request: sending it again gets the same one. The SDK may still class them as
 * transient, e.g. after it corrected its clock skew on that very answer (the local pipeline runs Lambdas at a
 * simulated time, and a skewed Lambda clock does the same in AWS); retrying a failed condition then only wastes the
 * attempts and ends in an unrelated error.
 */
const DEFINITE_ANSWERS = new Set([
  'ConditionalCheckFailedException',
  'ValidationException',
  'ResourceNotFoundException',
  'ItemCollectionSizeLimitExceededException',
  'TransactionConflictException',
]);

function isAnswer(error: unknown): boolean {
  return error instanceof Error && DEFINITE_ANSWERS.has(error.name);
}

function token(retryCount: number, delay: number): StateTableRetryToken {
  return { getRetryCount: () => retryCount, getRetryDelay: () => delay };
}
