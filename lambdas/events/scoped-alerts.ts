/**
 * The alert store as the event path sees it: only the certificate incidents of the targets it rescanned. The
 * planner resolves an open incident that is absent from what it is given when its target was scanned completely;
 * handed every state of the organization, a rescan of one target would still leave the others alone (their targets
 * are not in its results), but the monitor's own incident resolves on any run without it, and a whole-account
 * coverage gap on any reach of the account. Those belong to the daily run, which sees the whole organization, so
 * the event path never loads them and so can neither resolve nor repeat them.
 */
import type { AlertState } from '../core/alerting/planner';
import type { AlertStore } from '../core/alerting/store';
import type { EventTarget } from '../core/events/classify';
import { targetKey } from '../core/model';
import type { IncidentKind } from '../core/notices';

/** Incident kinds an event rescan may open, remind of or resolve. */
export const EVENT_PATH_INCIDENT_KINDS: readonly IncidentKind[] = [
  'RENEWAL_FAILED',
  'PENDING_VALIDATION',
  'EXPIRING_IN_USE',
  'EXPIRED_IN_USE',
];

export function scopedAlertStore(store: AlertStore, targets: readonly EventTarget[]): AlertStore {
  const keys = new Set(targets.map(targetKey));
  const inScope = (state: AlertState) =>
    EVENT_PATH_INCIDENT_KINDS.includes(state.kind) &&
    keys.has(targetKey({ accountId: state.incident.accountId, region: state.incident.region }));
  return {
    loadActiveStates: async () => (await store.loadActiveStates()).filter(inScope),
    loadStates: async (incidentKeys) => (await store.loadStates(incidentKeys)).filter(inScope),
    saveStates: (states, now) => store.saveStates(states, now),
    claimNotice: (incidentKey, noticeId, now) => store.claimNotice(incidentKey, noticeId, now),
    markDelivered: (incidentKey, noticeId, now) => store.markDelivered(incidentKey, noticeId, now),
    releaseNotice: (incidentKey, noticeId) => store.releaseNotice(incidentKey, noticeId),
    loadHeartbeat: () => store.loadHeartbeat(),
    saveHeartbeat: (state) => store.saveHeartbeat(state),
    markHeartbeatDelivered: (noticeId) => store.markHeartbeatDelivered(noticeId),
  };
}
