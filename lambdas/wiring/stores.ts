/**
 * The state and alert stores on the single table, opened one way by every Lambda of the pipeline and by the CLI's
 * --state-table, so both read and write the same items the same way. Wiring, not a use case: it only composes adapters.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertStore } from '../aws/alert-store';
import { DynamoStateStore } from '../aws/state-store';
import { DynamoAccountRoutingStore } from '../aws/store/account-routing-store';
import { DynamoCtStore } from '../aws/store/ct-store';
import { TableOperations } from '../aws/store/table';
import type { Clock } from '../core/ports';

export interface StoreSettings {
  tableName: string;
  historyDays: number;
  /** @default the system clock */
  clock?: Clock;
}

export function openStateStore(doc: DynamoDBDocumentClient, settings: StoreSettings): DynamoStateStore {
  return new DynamoStateStore({
    client: doc,
    tableName: settings.tableName,
    historyDays: settings.historyDays,
    ...(settings.clock ? { clock: settings.clock } : {}),
  });
}

export function openAlertStore(doc: DynamoDBDocumentClient, tableName: string): DynamoAlertStore {
  return new DynamoAlertStore(doc, { tableName });
}

/** The routing facts the last daily run read, recorded by FinalizeRun and read by the Events Lambda. */
export function openAccountRoutingStore(doc: DynamoDBDocumentClient, tableName: string): DynamoAccountRoutingStore {
  return new DynamoAccountRoutingStore(new TableOperations({ client: doc, tableName }));
}

/** The CT watch's cursors, issuances and serial history, in the same table (the CT Lambda and the CLI's --ct). */
export function openCtStore(doc: DynamoDBDocumentClient, tableName: string, clock?: Clock): DynamoCtStore {
  return new DynamoCtStore(new TableOperations({ client: doc, tableName }), clock);
}
