/**
 * The dead-man heartbeat's decision: has the monitor stopped completing runs? Pure; the clock is a parameter.
 *
 * Stale when more than period + grace hours passed since the last completed run, or, when no run ever completed,
 * since the heartbeat first ran (`firstSeenAt` stands in for the deployment time). Stale alerts once, then reminds
 * every `reminderHours` while it stays stale, then says "recovered" once when a run completes again.
 */
import type { HeartbeatNotice } from '../notices';

const DEFAULT_HEARTBEAT_REMINDER_HOURS = 24;

const HOUR_MS = 3_600_000;

/** A heartbeat notice waiting for delivery; `id` (`<stage>#<now>`) recognises it when it is marked delivered. */
export interface QueuedHeartbeatNotice extends HeartbeatNotice {
  id: string;
}

export interface HeartbeatState {
  /** When the heartbeat first ran: the reference time until a run completes. */
  firstSeenAt: string;
  stale: boolean;
  /** When the current stale period was first noticed. */
  staleSince?: string;
  /** When the last stale alert or reminder was queued. */
  lastNotifiedAt?: string;
  /** Queued, not yet delivered, oldest first. */
  pending: QueuedHeartbeatNotice[];
  /** Optimistic-concurrency version of the stored item; 0 for a state never stored. */
  version: number;
}

export interface HeartbeatDecisionInput {
  now: Date;
  /** When the newest run completed (ISO-8601); absent when none ever did. */
  lastCompletedAt?: string;
  periodHours: number;
  graceHours: number;
  /** @default DEFAULT_HEARTBEAT_REMINDER_HOURS */
  reminderHours?: number;
  state?: HeartbeatState;
}

export interface HeartbeatDecision {
  notice?: QueuedHeartbeatNotice;
  /** The next state; the same object as `input.state` when nothing changed. */
  state: HeartbeatState;
}

export function decideHeartbeat(input: HeartbeatDecisionInput): HeartbeatDecision {
  const nowIso = input.now.toISOString();
  const nowMs = input.now.getTime();
  const current: HeartbeatState = input.state ?? { firstSeenAt: nowIso, stale: false, pending: [], version: 0 };
  const reference = Date.parse(input.lastCompletedAt ?? current.firstSeenAt);
  const stale = nowMs - reference > (input.periodHours + input.graceHours) * HOUR_MS;

  const notice = (stage: HeartbeatNotice['stage']): QueuedHeartbeatNotice => {
    const n: QueuedHeartbeatNotice = {
      id: `${stage}#${nowIso}`,
      stage,
      now: nowIso,
      periodHours: input.periodHours,
      graceHours: input.graceHours,
    };
    if (input.lastCompletedAt !== undefined) n.lastCompletedAt = input.lastCompletedAt;
    return n;
  };

  if (stale && !current.stale) {
    const n = notice('stale');
    return {
      notice: n,
      state: { ...current, stale: true, staleSince: nowIso, lastNotifiedAt: nowIso, pending: [...current.pending, n] },
    };
  }
  if (stale) {
    const last = Date.parse(current.lastNotifiedAt ?? current.staleSince ?? current.firstSeenAt);
    if (nowMs - last < (input.reminderHours ?? DEFAULT_HEARTBEAT_REMINDER_HOURS) * HOUR_MS) {
      return { state: current };
    }
    const n = notice('reminder');
    // An undelivered older reminder says less than this one.
    const pending = [...current.pending.filter((p) => p.stage !== 'reminder'), n];
    return { notice: n, state: { ...current, lastNotifiedAt: nowIso, pending } };
  }
  if (current.stale) {
    const n = notice('recovered');
    const { staleSince: _staleSince, lastNotifiedAt: _lastNotifiedAt, ...rest } = current;
    return { notice: n, state: { ...rest, stale: false, pending: [...current.pending, n] } };
  }
  return { state: current };
}
