/**
 * Delivery of queued alert notices (the outbox): oldest first, each one reserved before it is sent and removed from
 * the outbox right after, so a retried or concurrent flush does not send it again. A notice is only lost from the
 * outbox once delivered; the one gap is a crash between the send and the mark, after which the notice is sent again
 * when its reservation lapses (at least once, never silently dropped).
 */
import { pendingInOrder } from '../core/alerting/planner';
import type { AlertStore } from '../core/alerting/store';
import type { AlertNotice, HeartbeatNotice } from '../core/notices';
import { SlackWebhookBrokenError } from '../slack/errors';

/** Delivers one alert to on-call (renders and posts it). Throws when it could not be delivered. */
export type SendAlert = (notice: AlertNotice) => Promise<void>;
/** Delivers one heartbeat message. Throws when it could not be delivered. */
export type SendHeartbeat = (notice: HeartbeatNotice) => Promise<void>;
/**
 * Whether a delivery error means the webhook itself is broken (revoked, deleted, archived channel), not a passing
 * failure: delivery stops and everything stays pending until the webhook is fixed.
 */
export function isWebhookBrokenError(error: unknown): boolean {
  return error instanceof SlackWebhookBrokenError;
}

export interface DeliveryFailure {
  noticeId: string;
  message: string;
}

export interface DeliveryResult {
  /** Delivered by this call, in order. */
  sent: AlertNotice[];
  /** Still waiting after this call (including any another delivery holds right now), oldest first. */
  pending: AlertNotice[];
  /** The webhook answered as broken: delivery stopped and everything stays pending until it is fixed. */
  broken?: boolean;
  /** The delivery failure that stopped this call, when one did. */
  failure?: DeliveryFailure;
}

export interface FlushInput {
  store: AlertStore;
  send: SendAlert;
  now: Date;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Delivers every pending notice, oldest first. The first failure stops the call: Slack has already been retried by
 * the sender, and carrying on would deliver later notices of an incident before earlier ones.
 */
export async function flushPending({ store, send, now }: FlushInput): Promise<DeliveryResult> {
  const queue = pendingInOrder(await store.loadActiveStates());
  const sent: AlertNotice[] = [];
  let failure: DeliveryFailure | undefined;
  let webhookBroken = false;
  for (const { incidentKey, notice } of queue) {
    const claimed = await store.claimNotice(incidentKey, notice.id, now);
    if (claimed === undefined) continue;
    try {
      await send(claimed);
    } catch (error) {
      await store.releaseNotice(incidentKey, claimed.id);
      failure = { noticeId: claimed.id, message: message(error) };
      webhookBroken = isWebhookBrokenError(error);
      break;
    }
    await store.markDelivered(incidentKey, claimed.id, now);
    sent.push(claimed);
  }
  const pending = pendingInOrder(await store.loadActiveStates()).map((p) => p.notice);
  const result: DeliveryResult = { sent, pending };
  if (webhookBroken) result.broken = true;
  if (failure !== undefined) result.failure = failure;
  return result;
}
