/**
 * The event path's own dead man: ACM and CloudTrail events are best effort, and a forwarding rule deleted, a role
 * broken or a bus policy changed makes them stop without an error anywhere. The daily run is the witness: when it
 * saw changes that should have produced events (certificates requested, renewed, deleted, attached...) while no event
 * at all arrived from the organization for longer than the allowed silence, the digest says the event path looks
 * broken. Silence while nothing changed proves nothing either way: an organization can be quiet.
 */
import type { ChangeType } from '../model';
import type { EventPathHealth } from './store';

export const DEFAULT_EVENT_SILENCE_HOURS = 48;

/**
 * Changes the daily run detects that ACM or CloudTrail would have announced: new, renewed, reimported, removed,
 * attached or detached certificates, renewal or status changes, tag changes. Threshold crossings happen by time alone.
 */
export const CHANGES_WITH_EVENTS: readonly ChangeType[] = [
  'NEW',
  'REMOVED',
  'RENEWED',
  'REIMPORTED',
  'STATUS_CHANGED',
  'RENEWAL_STATUS_CHANGED',
  'ATTACHED',
  'DETACHED',
  'TAGS_CHANGED',
];

export type EventPathVerdict =
  | { status: 'ok'; lastEventAt?: string }
  /** Nothing arrived, and nothing happened that would have sent anything. */
  | { status: 'quiet'; lastEventAt?: string }
  | {
      status: 'looks-broken';
      lastEventAt?: string;
      silentHours: number;
      changesWithoutEvents: number;
      message: string;
    };

export function judgeEventPath(
  health: EventPathHealth,
  changes: ReadonlyArray<{ type: ChangeType }>,
  options: {
    now: Date;
    silenceHours?: number;
    /**
     * The first run against the table: its changes are its baseline (every certificate NEW), which no event
     * announces, so they prove nothing about the path.
     */
    firstRun?: boolean;
  },
): EventPathVerdict {
  const silence = options.silenceHours ?? DEFAULT_EVENT_SILENCE_HOURS;
  const last = health.lastArrivalAt ?? health.lastEventAt;
  const lastEventAt = health.lastEventAt;
  const since = last === undefined ? Number.POSITIVE_INFINITY : options.now.getTime() - Date.parse(last);
  const silentHours = Number.isFinite(since) ? Math.floor(since / 3_600_000) : Number.POSITIVE_INFINITY;
  const withEvents = changes.filter((change) => CHANGES_WITH_EVENTS.includes(change.type)).length;
  const at = lastEventAt === undefined ? {} : { lastEventAt };
  if (silentHours < silence) return { status: 'ok', ...at };
  if (withEvents === 0 || options.firstRun === true) return { status: 'quiet', ...at };
  return {
    status: 'looks-broken',
    ...at,
    silentHours: Number.isFinite(silentHours) ? silentHours : -1,
    changesWithoutEvents: withEvents,
    message:
      `${withEvents} change(s) the daily run found should have sent events, but no event arrived from the organization ` +
      (last === undefined ? 'ever' : `for ${silentHours} hours (since ${last})`) +
      ': check the forwarding StackSets, the forwarding role and the hub bus policy. Until then alerts wait for the daily run.',
  };
}
