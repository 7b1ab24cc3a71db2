/**
 * The state and alert stores on the single table, opened one way by every Lambda of the pipeline and by the CLI's
 * --state-table, so both read and write the same items the same way. Wiring, not a use case: it only composes adapters.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertStore } from '../aws/alert-store';
import { DynamoStateStore } from '../aws/state-store';
import { assess, severityRank, worstSeverity } from '../core/findings';
import type { Certificate } from '../core/model';

/**
 * What the attention index holds: certificates with a finding worse than informational (IMPORTED and NOT_IN_USE
 * alone are facts, not problems), judged when the certificate is written.
 */
export function needsAttention(expiryDays: number, now: () => Date): (cert: Certificate) => boolean {
  return (cert) => severityRank(worstSeverity(assess(cert, { now: now(), expiryDays }))) < severityRank('info');
}

export interface StoreSettings {
  tableName: string;
  historyDays: number;
  /** The EXPIRING threshold, for the attention index. */
  expiryDays: number;
  /** @default the system clock */
  now?: () => Date;
}

export function openStateStore(doc: DynamoDBDocumentClient, settings: StoreSettings): DynamoStateStore {
  const now = settings.now ?? (() => new Date());
  return new DynamoStateStore({
    client: doc,
    tableName: settings.tableName,
    historyDays: settings.historyDays,
    needsAttention: needsAttention(settings.expiryDays, now),
    now,
  });
}

export function openAlertStore(doc: DynamoDBDocumentClient, tableName: string): DynamoAlertStore {
  return new DynamoAlertStore(doc, { tableName });
}
