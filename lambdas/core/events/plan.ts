/**
 * What one batch of forwarded events asks of the monitor: each target at most once. ACM and CloudTrail emit bursts
 * (a certificate requested, validated, issued and attached within seconds is four events; a deployment touching
 * twenty listeners is twenty), SQS delivers at least once, and EventBridge may deliver an event twice: so events are
 * deduplicated by id, grouped by target, and a target is rescanned only when a scan that started after its latest
 * event has not already seen everything the events announce.
 */
import { targetKey } from '../model';
import type { ClassifiedEvent, EventTarget } from './classify';

/** One target's share of a batch. */
export interface TargetPlan {
  target: EventTarget;
  /** `rescan` when any of its events asks for one; else `mark-dirty`. */
  action: 'rescan' | 'mark-dirty';
  /** Certificates named by its events, without repeats, sorted. */
  arns: string[];
  /** The latest time one of its events happened (ISO-8601). */
  latestEventAt: string;
  /** The earliest (the dirty mark's start). */
  earliestEventAt: string;
  /** The earliest of those that ask for a rescan, for the event-to-alert latency; absent at `mark-dirty`. */
  earliestRescanEventAt?: string;
  eventIds: string[];
  /** `what` of its events, without repeats. */
  what: string[];
}

export interface BatchPlan {
  targets: TargetPlan[];
  /** Events whose id appeared earlier in the batch (delivered twice). */
  duplicates: number;
  ignored: ClassifiedEvent[];
}

function later(a: string, b: string): string {
  return Date.parse(b) > Date.parse(a) ? b : a;
}

function earlier(a: string, b: string): string {
  return Date.parse(b) < Date.parse(a) ? b : a;
}

/** Targets in key order, so a batch always plans the same way whatever order its events arrived in. */
export function planBatch(events: readonly ClassifiedEvent[]): BatchPlan {
  const seen = new Set<string>();
  const byTarget = new Map<string, TargetPlan>();
  const ignored: ClassifiedEvent[] = [];
  let duplicates = 0;
  for (const event of events) {
    if (seen.has(event.eventId)) {
      duplicates++;
      continue;
    }
    seen.add(event.eventId);
    if (event.action === 'ignore' || event.target === undefined) {
      ignored.push(event);
      continue;
    }
    const key = targetKey(event.target);
    const plan = byTarget.get(key);
    if (plan === undefined) {
      byTarget.set(key, {
        target: { ...event.target },
        action: event.action,
        arns: [...new Set(event.arns)].sort(),
        latestEventAt: event.occurredAt,
        earliestEventAt: event.occurredAt,
        eventIds: [event.eventId],
        what: [event.what],
        ...(event.action === 'rescan' ? { earliestRescanEventAt: event.occurredAt } : {}),
      });
      continue;
    }
    if (event.action === 'rescan') {
      plan.action = 'rescan';
      plan.earliestRescanEventAt =
        plan.earliestRescanEventAt === undefined
          ? event.occurredAt
          : earlier(plan.earliestRescanEventAt, event.occurredAt);
    }
    plan.arns = [...new Set([...plan.arns, ...event.arns])].sort();
    plan.latestEventAt = later(plan.latestEventAt, event.occurredAt);
    plan.earliestEventAt = earlier(plan.earliestEventAt, event.occurredAt);
    plan.eventIds.push(event.eventId);
    if (!plan.what.includes(event.what)) plan.what.push(event.what);
  }
  const targets = [...byTarget.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, plan]) => plan);
  return { targets, duplicates, ignored };
}

/**
 * Whether a scan that started at `lastScanStartedAt` already saw everything this target's events announce: it began
 * after the latest of them happened. Such events (a replay, a redelivery, a burst the previous batch already
 * rescanned for, or events the daily run overtook) cause no rescan and so can page nobody twice.
 */
export function alreadySeen(plan: Pick<TargetPlan, 'latestEventAt'>, lastScanStartedAt: string | undefined): boolean {
  if (lastScanStartedAt === undefined) return false;
  const scanned = Date.parse(lastScanStartedAt);
  const happened = Date.parse(plan.latestEventAt);
  if (Number.isNaN(scanned) || Number.isNaN(happened)) return false;
  return scanned > happened;
}

/** Targets to rescan, grouped by account (one role session per account), accounts and regions sorted. */
export function rescansByAccount(plans: readonly TargetPlan[]): Map<string, TargetPlan[]> {
  const byAccount = new Map<string, TargetPlan[]>();
  for (const plan of plans) {
    if (plan.action !== 'rescan') continue;
    byAccount.set(plan.target.accountId, [...(byAccount.get(plan.target.accountId) ?? []), plan]);
  }
  return byAccount;
}
