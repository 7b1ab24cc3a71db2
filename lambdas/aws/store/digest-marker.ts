/**
 * The "digest sent" marker of a run, one item in the run's partition of the state table, so a retried FinalizeRun
 * never posts the day's digest twice. The digest is claimed with a conditional write before it is posted and marked
 * sent after; a failed post releases the claim so the retry posts it. A run whose FinalizeRun died between the
 * claim and the mark (Lambda timeout) posts again once the claim's lease lapses: at least once, never lost.
 *
 * A claim or mark whose answer was lost is resent by the SDK and fails its own condition; the marker is then read
 * again and the attempt recognises its own claim by its `claimId` instead of taking it for another attempt's.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { expiresAtEpoch, PK, runPk, SK, TTL } from './keys';
import { TableOperations } from './table';

const DIGEST_MARKER_SK = 'DIGEST';
const DIGEST_MARKER_KIND = 'digest-marker';
const DEFAULT_DIGEST_LEASE_SECONDS = 300;

/** `claimed`: post it now. `sent`: an earlier attempt posted it. `held`: another attempt is posting it right now. */
export type DigestClaim = { outcome: 'claimed'; claimId: string } | { outcome: 'sent' } | { outcome: 'held' };

export interface DigestMarkerOptions {
  tableName: string;
  /** How long a claim keeps other attempts off. @default DEFAULT_DIGEST_LEASE_SECONDS */
  leaseSeconds?: number;
  /** The marker is kept as long as the run's other records. */
  historyDays: number;
}

export class DigestMarker {
  private readonly tableName: string;
  private readonly table: TableOperations;
  private readonly leaseMs: number;
  private readonly historyDays: number;

  constructor(doc: DynamoDBDocumentClient, options: DigestMarkerOptions) {
    this.tableName = options.tableName;
    this.table = new TableOperations({ client: doc, tableName: options.tableName });
    this.leaseMs = (options.leaseSeconds ?? DEFAULT_DIGEST_LEASE_SECONDS) * 1000;
    this.historyDays = options.historyDays;
  }

  async claim(runId: string, now: Date): Promise<DigestClaim> {
    const claimId = randomUUID();
    const claimed = await this.table.putIf(
      {
        [PK]: runPk(runId),
        [SK]: DIGEST_MARKER_SK,
        kind: DIGEST_MARKER_KIND,
        runId,
        status: 'sending',
        claimId,
        leaseUntil: new Date(now.getTime() + this.leaseMs).toISOString(),
        [TTL]: expiresAtEpoch(now.toISOString(), this.historyDays),
      },
      {
        ConditionExpression: 'attribute_not_exists(#pk) OR (#status = :sending AND #lease < :now)',
        ExpressionAttributeNames: { '#pk': PK, '#status': 'status', '#lease': 'leaseUntil' },
        ExpressionAttributeValues: { ':sending': 'sending', ':now': now.toISOString() },
      },
    );
    if (claimed) return { outcome: 'claimed', claimId };
    const marker = await this.table.get(this.key(runId));
    if (marker?.status === 'sent') return { outcome: 'sent' };
    return marker?.claimId === claimId ? { outcome: 'claimed', claimId } : { outcome: 'held' };
  }

  /** Records the post. False when the claim lapsed and another attempt took it over (it may post again). */
  async markSent(runId: string, claimId: string, now: Date): Promise<boolean> {
    const marked = await this.table.conditionally(() =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(runId),
          UpdateExpression: 'SET #status = :sent, sentAt = :now REMOVE leaseUntil',
          ConditionExpression: 'claimId = :claim',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sent': 'sent', ':now': now.toISOString(), ':claim': claimId },
        }),
      ),
    );
    if (marked) return true;
    const marker = await this.table.get(this.key(runId));
    return marker?.claimId === claimId && marker.status === 'sent';
  }

  /** Gives the claim up after a failed post, so the next attempt posts. A claim taken over meanwhile is left alone. */
  async release(runId: string, claimId: string): Promise<void> {
    // A failed condition means the claim was taken over meanwhile: nothing to give up.
    await this.table.conditionally(() =>
      this.table.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: this.key(runId),
          ConditionExpression: 'claimId = :claim AND #status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':claim': claimId, ':sending': 'sending' },
        }),
      ),
    );
  }

  private key(runId: string): Record<string, string> {
    return { [PK]: runPk(runId), [SK]: DIGEST_MARKER_SK };
  }
}
