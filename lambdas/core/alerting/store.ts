/** What the alerting use cases need from persistence. lambdas/aws/alert-store.ts implements it on DynamoDB. */
import type { HeartbeatState } from './heartbeat';
import type { AlertState, QueuedNotice } from './planner';

export interface AlertStore {
  /** Every active state (open, or resolved with undelivered notices), read consistently. */
  loadActiveStates(): Promise<AlertState[]>;
  /** The states of these incident keys that exist (open or resolved), read consistently. */
  loadStates(incidentKeys: readonly string[]): Promise<AlertState[]>;
  /**
   * Writes each state if its stored version still equals `state.version` (absent for version 0) and returns them
   * with their new versions. Throws AlertStateConflictError on the first state someone else changed meanwhile
   * (states before it are written; a re-plan from fresh states is idempotent).
   */
  saveStates(states: readonly AlertState[], now: Date): Promise<AlertState[]>;
  /**
   * Reserves one pending notice for delivery until `now` + the store's lease, so a concurrent flush does not send it
   * too. Returns the notice, or undefined when it is no longer pending or another delivery holds it.
   */
  claimNotice(incidentKey: string, noticeId: string, now: Date): Promise<QueuedNotice | undefined>;
  /** Removes a delivered notice from the outbox and frees the reservation. */
  markDelivered(incidentKey: string, noticeId: string, now: Date): Promise<void>;
  /** Frees the reservation of a notice whose delivery failed; it stays pending. */
  releaseNotice(incidentKey: string, noticeId: string): Promise<void>;

  loadHeartbeat(): Promise<HeartbeatState | undefined>;
  /** Conditional on `state.version` like saveStates; returns the state with its new version. */
  saveHeartbeat(state: HeartbeatState): Promise<HeartbeatState>;
  /** Removes a delivered heartbeat notice from the outbox. */
  markHeartbeatDelivered(noticeId: string): Promise<void>;
}

/** Someone else changed an alert state (or the heartbeat state) between our read and our write. */
export class AlertStateConflictError extends Error {
  override readonly name = 'AlertStateConflictError';
  constructor(
    readonly key: string,
    readonly expectedVersion: number,
  ) {
    super(`alert state ${key} changed since version ${expectedVersion} was read`);
  }
}
