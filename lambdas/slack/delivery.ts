/**
 * Posting a rendered message to a Slack incoming webhook with `@slack/webhook`, and deciding what a failure means:
 * 429 waits for `Retry-After` and retries, 5xx and network errors retry with backoff, every other non-2xx answer
 * means the webhook is broken. `@slack/webhook` itself makes one attempt (its retries are off by default) and
 * throws `IncomingWebhookHTTPError` (status and body, no headers) or `IncomingWebhookRequestError` (no answer), so
 * the retry policy lives here and `Retry-After` is read through the fetch function it lets us pass in.
 */
import {
  type FetchFunction,
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
} from '@slack/webhook';
import { type Clock, systemClock } from '../core/ports';
import type { SlackMessage } from '../core/slack';
import { isAllowedWebhookUrl } from '../core/slack/webhook-url';
import { maskWebhookUrl, SlackDeliveryError, SlackWebhookBrokenError } from './errors';

export interface DeliveryOptions {
  /** Attempts in all, the first included. @default 4 */
  maxAttempts?: number;
  /** How to wait between attempts; tests pass one that records instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Per-attempt timeout. @default 10_000 */
  timeoutMs?: number;
  /** A 429's `Retry-After` is honoured up to this long. @default 30_000 */
  maxRetryAfterMs?: number;
  /** First backoff after a 5xx or network error; doubles per attempt up to 8×. @default 1_000 */
  backoffMs?: number;
  /** Which webhook this is (`digest`, `alerts`), named in error messages. */
  label?: string;
}

export interface WebhookPostResult {
  /** Attempts it took, 1 when the first post was taken. */
  attempts: number;
  /** Time spent waiting between attempts. */
  waitedMs: number;
}

const DEFAULTS = { maxAttempts: 4, timeoutMs: 10_000, maxRetryAfterMs: 30_000, backoffMs: 1_000 } as const;
const MAX_ERROR_TEXT = 200;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Failure =
  | { kind: 'broken'; status: number; slackError: string }
  | { kind: 'retry'; status?: number; error: string; retryAfterMs?: number };

/** Seconds or an HTTP date, as milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1_000 : undefined;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Removes the webhook URL (and its path) from text that came back from a failed request. */
function scrub(text: string, url: string): string {
  let out = text;
  const secrets = [url];
  try {
    secrets.push(new URL(url).pathname);
  } catch {
    // An unparseable address has no separate path to hide.
  }
  for (const secret of secrets) if (secret.length > 1) out = out.split(secret).join('***');
  return out.trim().slice(0, MAX_ERROR_TEXT);
}

function classify(error: unknown, url: string, retryAfterHeader: string | null): Failure {
  if (error instanceof IncomingWebhookHTTPError) {
    const slackError = scrub(error.body, url) || error.statusMessage || 'error';
    if (error.statusCode === 429) {
      const retryAfterMs = parseRetryAfter(retryAfterHeader);
      return { kind: 'retry', status: 429, error: slackError, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    }
    if (error.statusCode >= 500) return { kind: 'retry', status: error.statusCode, error: slackError };
    return { kind: 'broken', status: error.statusCode, slackError };
  }
  if (error instanceof IncomingWebhookRequestError)
    return { kind: 'retry', error: requestErrorCode(error.original, url) };
  return { kind: 'retry', error: scrub(error instanceof Error ? error.message : String(error), url) };
}

/** The most specific code of a request that got no answer: ECONNREFUSED, TimeoutError, ... */
function requestErrorCode(original: Error, url: string): string {
  const cause = original.cause as { code?: unknown } | undefined;
  if (cause !== undefined && typeof cause.code === 'string') return cause.code;
  if (original.name === 'TimeoutError' || original.name === 'AbortError') return original.name;
  return scrub(original.message, url) || original.name;
}

/**
 * Posts one message. Resolves once Slack took it; throws `SlackWebhookBrokenError` (do not retry, alert) or
 * `SlackDeliveryError` (retries exhausted, keep the message pending). Errors never contain the URL.
 */
export async function postToWebhook(
  url: string,
  message: SlackMessage,
  opts: DeliveryOptions = {},
): Promise<WebhookPostResult> {
  const masked = maskWebhookUrl(url);
  if (!isAllowedWebhookUrl(url)) throw new SlackWebhookBrokenError(0, 'invalid_url', masked, opts.label);
  const maxAttempts = Math.max(1, Math.floor(opts.maxAttempts ?? DEFAULTS.maxAttempts));
  const sleep = opts.sleep ?? realSleep;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs;
  const backoffMs = opts.backoffMs ?? DEFAULTS.backoffMs;

  let retryAfterHeader: string | null = null;
  const fetchKeepingRetryAfter: FetchFunction = async (input, init) => {
    const response = await fetch(input, init as RequestInit);
    retryAfterHeader = response.headers.get('retry-after');
    return response;
  };
  const webhook = new IncomingWebhook(url, {
    fetch: fetchKeepingRetryAfter,
    timeout: opts.timeoutMs ?? DEFAULTS.timeoutMs,
  });

  let waitedMs = 0;
  for (let attempt = 1; ; attempt++) {
    retryAfterHeader = null;
    let failure: Failure;
    try {
      // No previews: a link in a tag or an error message must not make Slack fetch it and show its page.
      await webhook.send({ text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false });
      return { attempts: attempt, waitedMs };
    } catch (error) {
      failure = classify(error, url, retryAfterHeader);
    }
    if (failure.kind === 'broken') {
      throw new SlackWebhookBrokenError(failure.status, failure.slackError, masked, opts.label);
    }
    if (attempt >= maxAttempts) {
      throw new SlackDeliveryError(attempt, failure.status, failure.error, masked, opts.label);
    }
    const delay =
      failure.retryAfterMs !== undefined
        ? Math.min(failure.retryAfterMs, maxRetryAfterMs)
        : backoffMs * 2 ** Math.min(attempt - 1, 3);
    await sleep(delay);
    waitedMs += delay;
  }
}

export interface SlackDeliveryOptions extends DeliveryOptions {
  /** Slack takes about one message a second per webhook; posts through one SlackDelivery are spaced this far apart. @default 1_000 */
  minIntervalMs?: number;
  /** Clock, for tests. */
  clock?: Clock;
}

/**
 * One webhook, posted to one message at a time and at most about one a second, as Slack asks. Handlers make one
 * per webhook and send every alert of a run through it.
 */
export class SlackDelivery {
  private lastPostAt: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly options: SlackDeliveryOptions;

  constructor(
    private readonly url: string,
    options: SlackDeliveryOptions = {},
  ) {
    this.options = options;
  }

  /** The webhook address with its secret part masked, for logs. */
  get webhook(): string {
    return maskWebhookUrl(this.url);
  }

  post(message: SlackMessage): Promise<WebhookPostResult> {
    const run = this.queue.then(() => this.postNow(message));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async postNow(message: SlackMessage): Promise<WebhookPostResult> {
    const clock = this.options.clock ?? systemClock;
    const now = () => clock().getTime();
    const sleep = this.options.sleep ?? realSleep;
    const interval = this.options.minIntervalMs ?? 1_000;
    if (this.lastPostAt !== undefined) {
      const wait = this.lastPostAt + interval - now();
      if (wait > 0) await sleep(wait);
    }
    try {
      return await postToWebhook(this.url, message, this.options);
    } finally {
      this.lastPostAt = now();
    }
  }
}
