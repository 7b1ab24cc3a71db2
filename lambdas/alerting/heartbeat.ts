/**
 * The hourly dead-man heartbeat: tells on-call when no run completed for longer than the schedule allows, reminds
 * once a day while that lasts and says when runs resume; then delivers any alert a failed delivery left pending.
 */
import { decideHeartbeat, type QueuedHeartbeatNotice } from '../core/alerting/heartbeat';
import { AlertStateConflictError, type AlertStore } from '../core/alerting/store';
import type { HeartbeatNotice } from '../core/notices';
import {
  type DeliveryFailure,
  type DeliveryResult,
  flushPending,
  isWebhookBrokenError,
  type SendAlert,
  type SendHeartbeat,
} from './deliver';
import { type AlertRouting, flushRouted } from './routed';

export interface HeartbeatSchedule {
  /** Hours between scheduled runs. */
  periodHours: number;
  /** Extra hours a run may take before its absence counts. */
  graceHours: number;
  /** @default 24 */
  reminderHours?: number;
}

export interface RunHeartbeatInput {
  store: AlertStore;
  runs: { latestCompletedRun(): Promise<{ completedAt?: string } | undefined> };
  send: { heartbeat: SendHeartbeat; alert: SendAlert };
  now: Date;
  config: HeartbeatSchedule;
  /**
   * Owner routing: pending alerts go to the destinations they were queued for (a broken one's to the default), as
   * FinalizeRun sends them; the heartbeat's own messages still go to the alerts webhook (`send.heartbeat`).
   */
  routing?: Pick<AlertRouting, 'defaultDestination' | 'send'>;
}

export interface RunHeartbeatResult {
  /** What this invocation decided to say, if anything. */
  notice?: HeartbeatNotice;
  /** Heartbeat messages delivered by this invocation (including earlier undelivered ones). */
  sent: HeartbeatNotice[];
  /** Heartbeat messages still undelivered. */
  pending: HeartbeatNotice[];
  /** The pending alerts this invocation delivered or left. Absent when the webhook broke on a heartbeat message. */
  alerts?: DeliveryResult;
  broken?: boolean;
  failure?: DeliveryFailure;
}

const MAX_ATTEMPTS = 5;

export async function runHeartbeat({
  store,
  runs,
  send,
  now,
  config,
  routing,
}: RunHeartbeatInput): Promise<RunHeartbeatResult> {
  const latest = await runs.latestCompletedRun();
  let notice: QueuedHeartbeatNotice | undefined;
  let pending: QueuedHeartbeatNotice[] = [];
  for (let attempt = 1; ; attempt++) {
    const stored = await store.loadHeartbeat();
    const decision = decideHeartbeat({
      now,
      periodHours: config.periodHours,
      graceHours: config.graceHours,
      ...(latest?.completedAt === undefined ? {} : { lastCompletedAt: latest.completedAt }),
      ...(config.reminderHours === undefined ? {} : { reminderHours: config.reminderHours }),
      ...(stored === undefined ? {} : { state: stored }),
    });
    try {
      if (decision.state !== stored) await store.saveHeartbeat(decision.state);
      notice = decision.notice;
      pending = decision.state.pending;
      break;
    } catch (error) {
      if (!(error instanceof AlertStateConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }

  const sent: HeartbeatNotice[] = [];
  let failure: DeliveryFailure | undefined;
  let broken = false;
  for (const queued of pending) {
    try {
      await send.heartbeat(withoutId(queued));
    } catch (error) {
      failure = { noticeId: queued.id, message: error instanceof Error ? error.message : String(error) };
      broken = isWebhookBrokenError(error);
      break;
    }
    await store.markHeartbeatDelivered(queued.id);
    sent.push(withoutId(queued));
  }

  const result: RunHeartbeatResult = {
    sent,
    pending: pending.slice(sent.length).map(withoutId),
  };
  if (notice !== undefined) result.notice = withoutId(notice);
  if (failure !== undefined) result.failure = failure;
  if (broken) {
    result.broken = true;
    return result;
  }
  result.alerts =
    routing === undefined
      ? await flushPending({ store, send: send.alert, now })
      : await flushRouted({ store, now, routing });
  if (result.alerts.broken) result.broken = true;
  return result;
}

function withoutId(notice: QueuedHeartbeatNotice): HeartbeatNotice {
  const { id: _id, ...rest } = notice;
  return rest;
}
