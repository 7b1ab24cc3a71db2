/**
 * What the event path needs from persistence, beside the snapshot and alert stores it shares with the daily run.
 * lambdas/aws/event-store.ts implements it on the state table.
 */
import type { Change } from '../model';
import type { EventTarget } from './classify';

/** A target some event touched since the daily run last listed it. */
export interface DirtyMark extends EventTarget {
  /** The earliest event since the mark was last cleared (ISO-8601). */
  since: string;
  /** The latest event so far. */
  lastEventAt: string;
  /** Events counted into the mark. */
  events: number;
}

/** The event path's own pulse: when an event last arrived from the organization, and how many so far. */
export interface EventPathHealth {
  lastEventAt?: string;
  /** When the last event arrived at the hub (its processing time, not its `time`). */
  lastArrivalAt?: string;
  received: number;
}

export interface EventStateStore {
  /** Adds events to each target's dirty mark (created when absent). */
  markDirty(marks: readonly DirtyMark[]): Promise<void>;
  /** Every dirty mark. */
  loadDirtyMarks(): Promise<DirtyMark[]>;
  /**
   * Clears the target's mark when a scan that started at `scannedAt` saw all of it (its latest event happened
   * before); a mark an event touched meanwhile stays. Returns whether it cleared one.
   */
  clearDirtyMark(target: EventTarget, scannedAt: string): Promise<boolean>;
  /**
   * What the snapshot store's target meta says of the target: when its last complete scan started, if ever, and its
   * account's name as the daily run last listed it (events carry only the id).
   */
  targetMeta(target: EventTarget): Promise<{ lastCompleteScanAt?: string; accountName?: string }>;
  /** Counts events that arrived now, whatever they were. */
  recordArrivals(count: number, latestEventAt: string, arrivedAt: string): Promise<void>;
  loadHealth(): Promise<EventPathHealth>;
  /**
   * Keeps the changes a batch's rescans found, under the batch's run id and scan time: the daily run's scans no
   * longer see them (the snapshot already holds them), so its digest reads them from here.
   */
  recordChanges(runId: string, scannedAt: string, changes: readonly Change[]): Promise<void>;
  /**
   * The changes event rescans found that started at or after `from` and before `to`, oldest first: a daily run reads
   * those since the previous run started, so each change shows in exactly one digest.
   */
  changesBetween(from: string | undefined, to: string): Promise<Change[]>;
}

/** What the end of a daily run reads of the event path. */
export type EventPathRecord = Pick<EventStateStore, 'loadHealth' | 'changesBetween'>;
