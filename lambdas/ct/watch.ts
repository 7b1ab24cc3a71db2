/**
 * The CT watch, shared by the hourly CT Lambda and the CLI's `--ct`: record the organization's serials, poll each
 * watched domain from its cursor, then judge every unexpired issuance found so far against the serial history and
 * the allow list. Judging the stored issuances (not only this poll's) keeps an unknown issuance in the digest until
 * someone allow-lists it, and lets a new allow rule or a late-described certificate change a verdict.
 *
 * Crash safety, per page: (1) the page's issuances are saved (idempotent, keyed by the issuance event), (2) only
 * then the cursor moves past them. A crash before (1) loses nothing (the cursor has not moved); a crash between (1)
 * and (2) reads the page again next time and saves nothing new, and the alert planner keys on the issuance, so
 * nothing repeats either.
 *
 * Staying within the API's allowance: one query per domain per poll when nothing is new (an empty page), a page cap
 * per domain, and the first 429 that asks for a longer wait than the client takes stops this poll for every domain
 * (the allowance is per key, not per domain); each cursor stays where it was, so the next poll resumes.
 */
import {
  type CtAllowRule,
  type CtIssuanceEntry,
  type CtReport,
  type CtStore,
  classifyIssuance,
  serialIndex,
  serialsOf,
} from '../core/ct';
import type { Certificate } from '../core/model';
import { type CtApi, CtApiError, CtRateLimitedError } from '../net/ct-api';

/** Pages read per domain and poll at most; the rest waits for the next poll (its cursor says where). */
export const DEFAULT_CT_MAX_PAGES = 20;

export interface CtWatchDeps {
  api: CtApi;
  store: CtStore;
  logger?: {
    info(message: string, fields?: Record<string, unknown>): void;
    warn(message: string, fields?: Record<string, unknown>): void;
  };
}

export interface CtWatchInput {
  domains: readonly string[];
  /** The organization's current certificates: their serials join the history before anything is judged. */
  certificates: readonly Pick<Certificate, 'arn' | 'serial' | 'issuer'>[];
  allow: readonly CtAllowRule[];
  now: Date;
  /** @default DEFAULT_CT_MAX_PAGES */
  maxPagesPerDomain?: number;
}

export interface CtWatchResult {
  report: CtReport;
  /** Domains whose poll failed this time, with why (their cursor stayed). */
  failures: Array<{ domain: string; message: string }>;
  /** Requests sent to the API by this poll. */
  requests: number;
  /** Issuances read from the API by this poll (a page read again after a crash counts again; it is saved once). */
  discovered: number;
}

const STATUS_ORDER: Record<CtIssuanceEntry['status'], number> = {
  unknown: 0,
  'amazon-outside-organization': 1,
  allowed: 2,
  known: 3,
};

export async function runCtWatch(deps: CtWatchDeps, input: CtWatchInput): Promise<CtWatchResult> {
  const { api, store } = deps;
  const requestsBefore = api.requests;
  await store.recordSerials(serialsOf(input.certificates));
  const failures: CtWatchResult['failures'] = [];
  let discovered = 0;
  const maxPages = input.maxPagesPerDomain ?? DEFAULT_CT_MAX_PAGES;
  for (const [index, domain] of input.domains.entries()) {
    try {
      discovered += await pollDomain(api, store, domain, maxPages);
    } catch (error) {
      if (!(error instanceof CtApiError)) throw error;
      failures.push({ domain, message: error.message });
      deps.logger?.warn('CT poll of a domain failed; its cursor stays', { domain, error: error.message });
      if (error instanceof CtRateLimitedError) {
        for (const skipped of input.domains.slice(index + 1)) {
          failures.push({ domain: skipped, message: `not polled: ${error.message}` });
        }
        break;
      }
    }
  }
  const known = serialIndex(await store.loadSerials());
  const watched = new Set(input.domains);
  const issuances = (await store.loadIssuances(input.now))
    .filter((stored) => watched.has(stored.matchedDomain))
    .map((stored) => classifyIssuance(stored.issuance, stored.matchedDomain, known, input.allow))
    .sort(
      (a, b) =>
        STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
        a.matchedDomain.localeCompare(b.matchedDomain) ||
        a.notBefore.localeCompare(b.notBefore) ||
        a.id.localeCompare(b.id),
    );
  const requests = api.requests - requestsBefore;
  deps.logger?.info('CT watch done', {
    domains: input.domains.length,
    requests,
    discovered,
    failures: failures.length,
  });
  return { report: { domains: [...input.domains], issuances }, failures, requests, discovered };
}

async function pollDomain(api: CtApi, store: CtStore, domain: string, maxPages: number): Promise<number> {
  let cursor = await store.loadCursor(domain);
  let found = 0;
  for (let page = 0; page < maxPages; page++) {
    const { issuances, lastId } = await api.issuances(domain, cursor);
    if (lastId === undefined) break;
    await store.saveIssuances(domain, issuances);
    await store.saveCursor(domain, lastId);
    cursor = lastId;
    found += issuances.length;
  }
  return found;
}
