/**
 * Which account-regions the daily run may leave unlisted because the event path watches them: most regions of most
 * accounts hold no certificate, and listing each of them every day is most of a steady day's ACM calls. A target is
 * skipped only when all of these hold:
 * - its events are forwarded (the forwarding rules cover its region), so a certificate requested or imported there
 *   would have marked it dirty;
 * - its last scan was complete (`ok`) and found no certificate;
 * - no event marked it dirty since;
 * - it was listed fewer than `maxCleanDays` days ago, and today is not its turn: every target is still listed at least
 *   every `maxCleanDays` days, on a day spread by its key (a lost event is caught within that many days, and the
 *   listings do not all fall on one day).
 */
import { arnHash, dayNumber } from '../describe-policy';
import { targetKey } from '../model';
import type { EventTarget } from './classify';
import type { DirtyMark } from './store';

export const DEFAULT_MAX_CLEAN_DAYS = 7;
const DAY_MS = 86_400_000;

/** What the daily run knows of a target from its last scan (the state store's target meta). */
export interface TargetListing extends EventTarget {
  certificateCount: number;
  lastStatus: string;
  lastCompleteScanAt?: string;
}

export interface SkipPolicy {
  now: Date;
  /** @default DEFAULT_MAX_CLEAN_DAYS */
  maxCleanDays?: number;
  /** Whether events of this account-region reach the hub. */
  forwarded: (target: EventTarget) => boolean;
}

export interface SkippedTarget extends EventTarget {
  /** When its last (complete, empty) listing started. */
  lastListedAt: string;
}

export function cleanTargetsToSkip(
  listings: readonly TargetListing[],
  dirty: readonly DirtyMark[],
  policy: SkipPolicy,
): SkippedTarget[] {
  const maxDays = Math.max(1, Math.floor(policy.maxCleanDays ?? DEFAULT_MAX_CLEAN_DAYS));
  const marked = new Set(dirty.map(targetKey));
  const today = dayNumber(policy.now);
  return listings
    .filter((listing) => {
      if (listing.lastStatus !== 'ok' || listing.certificateCount !== 0) return false;
      if (listing.lastCompleteScanAt === undefined || marked.has(targetKey(listing))) return false;
      if (!policy.forwarded(listing)) return false;
      const listed = Date.parse(listing.lastCompleteScanAt);
      if (Number.isNaN(listed) || policy.now.getTime() - listed >= maxDays * DAY_MS) return false;
      return (today + (arnHash(targetKey(listing)) % maxDays)) % maxDays !== 0;
    })
    .map((listing) => ({
      accountId: listing.accountId,
      region: listing.region,
      lastListedAt: listing.lastCompleteScanAt as string,
    }));
}
