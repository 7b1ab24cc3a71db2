/**
 * The runs: started, completed (the heartbeat's evidence), indexed by completion time so the latest is one Query,
 * and each run's partition of target results, change events and certificates not stored, read back at its end.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Certificate, Change, TargetResult } from '../../core/model';
import type { Clock, RunRecord, RunStore } from '../../core/ports';
import { isoTime, runCompletedItem, runIndexItem, runRecordKey, runStartedItem, toRunResults } from './items';
import { COMPLETED_SK_PREFIX, expiresAtEpoch, PK, RUNS_PK, runPk, SK } from './keys';
import type { TableOperations } from './table';

export interface RunStoreOptions {
  historyDays: number;
  clock: Clock;
}

export class DynamoRunStore implements Omit<RunStore, 'loadAllCertificates' | 'loadAttentionCertificates'> {
  constructor(
    private readonly table: TableOperations,
    private readonly options: RunStoreOptions,
  ) {}

  /** Marks a run as running. A repeated call, or one after completion, changes nothing. */
  async recordRunStarted(run: Pick<RunRecord, 'runId' | 'startedAt'>): Promise<void> {
    return this.table.guard('recordRunStarted', async () => {
      const startedAt = isoTime(run.startedAt, 'startedAt');
      await this.table.putIfAbsent(
        runStartedItem(run.runId, startedAt, expiresAtEpoch(startedAt, this.options.historyDays)),
      );
    });
  }

  /**
   * Records the run as completed and indexes it under its completion time. The first completion wins: a repeated
   * call (a retried FinalizeRun) re-indexes the stored record under the same key, so there is never a second
   * "latest" for one run.
   */
  async recordRunCompleted(run: RunRecord): Promise<void> {
    return this.table.guard('recordRunCompleted', async () => {
      const startedAt = isoTime(run.startedAt, 'startedAt');
      const completedAt = isoTime(run.completedAt ?? this.options.clock().toISOString(), 'completedAt');
      const completed = runCompletedItem(
        { ...run, startedAt, completedAt },
        expiresAtEpoch(startedAt, this.options.historyDays),
      );
      let record = completed.record;
      let failuresTotal = run.failures.length;
      // `same`: this completion is stored (a lost answer, or a retry with the same record): nothing to re-read.
      const outcome = await this.table.putIfAbsent(completed.item, 'completedAt');
      if (outcome === 'different') {
        const stored = await this.table.get(runRecordKey(run.runId));
        record = stored?.data as RunRecord;
        failuresTotal = (stored?.failuresTotal as number | undefined) ?? record.failures.length;
      }
      await this.table.put(runIndexItem(record, failuresTotal));
    });
  }

  async latestCompletedRun(): Promise<RunRecord | undefined> {
    return this.table.guard('latestCompletedRun', async () => {
      const output = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: { ':pk': RUNS_PK, ':prefix': COMPLETED_SK_PREFIX },
          ScanIndexForward: false,
          Limit: 1,
        }),
      );
      return output.Items?.[0]?.data as RunRecord | undefined;
    });
  }

  async loadRunResults(
    runId: string,
  ): Promise<{ targets: TargetResult[]; changes: Change[]; notStored?: Certificate[] }> {
    return this.table.guard('loadRunResults', async () =>
      toRunResults(await this.table.queryPartition(runPk(runId), { consistent: true })),
    );
  }
}
