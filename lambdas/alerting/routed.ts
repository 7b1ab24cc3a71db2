/**
 * Alerts with owner routing: each incident's notices are queued once per destination (the outbox is per
 * destination), and delivered per destination, oldest first. A destination that fails for a while (429, 5xx) stops
 * only its own queue, the others carry on; one whose webhook is broken (404, 410) falls back to the default
 * destination for each of its messages, which say so, and is reported so the broken-webhook alarm fires. Each copy
 * leaves the outbox only once delivered somewhere, so nothing is lost and nothing is sent twice.
 */
import type { AlertState, QueuedNotice } from '../core/alerting/planner';
import { pendingInOrder } from '../core/alerting/planner';
import type { AlertStore } from '../core/alerting/store';
import type { AlertNotice, Incident } from '../core/notices';
import type { Route } from '../core/routing';
import { type DeliveryFailure, type DeliveryResult, isWebhookBrokenError } from './deliver';

/**
 * Delivers one notice to one destination; `fallbackFrom` names the destination it was meant for when the default
 * receives it because that one's webhook is broken. Throws when it could not be delivered.
 */
export type SendRouted = (destination: string, notice: AlertNotice, fallbackFrom?: string) => Promise<void>;

export interface AlertRouting {
  /** The destination of what nobody owns, and the fallback of a broken one. */
  defaultDestination: string;
  /** Where an incident's notices go, each destination once. */
  routesOf(incident: Incident): Route[];
  send: SendRouted;
}

/** The incidents with their routes, so the planner stores them and a "resolved" later reaches the same teams. */
export function withRoutes(incidents: readonly Incident[], routing: Pick<AlertRouting, 'routesOf'>): Incident[] {
  return incidents.map((incident) => ({ ...incident, routes: routing.routesOf(incident) }));
}

/** Notice id of one destination's copy: deterministic, so a retried plan finds the copy it queued before. */
export function routedNoticeId(noticeId: string, destination: string): string {
  return `${noticeId}@${destination}`;
}

function copies(notice: QueuedNotice, defaultDestination: string): QueuedNotice[] {
  if (notice.destination !== undefined) return [notice];
  const routes = notice.incident.routes ?? [{ destination: defaultDestination, rule: 'default' }];
  return routes.map((route) => ({
    ...notice,
    id: routedNoticeId(notice.id, route.destination),
    destination: route.destination,
    route,
  }));
}

/** Splits the notices a plan queued into one copy per destination, in the states it saves and in its list. */
export function routePlan(
  plan: { states: AlertState[]; notices: QueuedNotice[] },
  defaultDestination: string,
): { states: AlertState[]; notices: QueuedNotice[] } {
  return {
    states: plan.states.map((state) => ({
      ...state,
      pending: state.pending.flatMap((notice) => copies(notice, defaultDestination)),
    })),
    notices: plan.notices.flatMap((notice) => copies(notice, defaultDestination)),
  };
}

export interface RoutedDeliveryResult extends DeliveryResult {
  /** Destinations whose webhook answered as broken; their messages went to the default one. */
  brokenDestinations: string[];
  /** Messages the default destination received for a broken one. */
  fellBack: AlertNotice[];
}

export interface FlushRoutedInput {
  store: AlertStore;
  now: Date;
  routing: Pick<AlertRouting, 'defaultDestination' | 'send'>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function flushRouted({ store, now, routing }: FlushRoutedInput): Promise<RoutedDeliveryResult> {
  const { defaultDestination, send } = routing;
  const queue = pendingInOrder(await store.loadActiveStates());
  const sent: AlertNotice[] = [];
  const fellBack: AlertNotice[] = [];
  const stopped = new Set<string>();
  const broken = new Set<string>();
  let failure: DeliveryFailure | undefined;
  let defaultBroken = false;

  const deliver = async (destination: string, notice: QueuedNotice): Promise<'sent' | 'fell-back'> => {
    if (!broken.has(destination)) {
      try {
        await send(destination, notice);
        return 'sent';
      } catch (error) {
        if (!isWebhookBrokenError(error) || destination === defaultDestination) throw error;
        broken.add(destination);
      }
    }
    if (stopped.has(defaultDestination)) throw new Error(`the default destination ${defaultDestination} is stopped`);
    await send(defaultDestination, notice, destination);
    return 'fell-back';
  };

  for (const { incidentKey, notice } of queue) {
    const destination = notice.destination ?? defaultDestination;
    // A broken destination's queue goes to the default one: it stops with the default, not with itself.
    const queueOf = broken.has(destination) ? defaultDestination : destination;
    if (stopped.has(queueOf)) continue;
    const claimed = await store.claimNotice(incidentKey, notice.id, now);
    if (claimed === undefined) continue;
    let outcome: 'sent' | 'fell-back';
    try {
      outcome = await deliver(destination, claimed);
    } catch (error) {
      await store.releaseNotice(incidentKey, claimed.id);
      // One destination's trouble stops its own queue (later notices of an incident must not overtake earlier
      // ones); when the default fails, the broken destinations falling back to it stop too.
      const failed = broken.has(destination) ? defaultDestination : destination;
      stopped.add(failed);
      if (failed === defaultDestination && isWebhookBrokenError(error)) defaultBroken = true;
      failure ??= { noticeId: claimed.id, message: message(error) };
      continue;
    }
    await store.markDelivered(incidentKey, claimed.id, now);
    sent.push(claimed);
    if (outcome === 'fell-back') fellBack.push(claimed);
  }

  const pending = pendingInOrder(await store.loadActiveStates()).map((p) => p.notice);
  const result: RoutedDeliveryResult = { sent, pending, brokenDestinations: [...broken].sort(), fellBack };
  if (defaultBroken || broken.size > 0) result.broken = true;
  if (failure !== undefined) result.failure = failure;
  return result;
}
