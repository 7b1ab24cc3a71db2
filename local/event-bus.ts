/**
 * The event path on loopback: what the member accounts' forwarding rules, the hub's bus, its rule and its SQS queue
 * do in AWS, reduced to what the event Lambda can tell apart. The simulator's mutations (and time passing) emit the
 * events AWS would send (sim/events.ts); events of account-regions without forwarding are not delivered; the queue
 * hands them to a consumer in batches of at most SQS's batch size, like the Lambda event source mapping, and can
 * deliver an event twice and a batch out of order (EventBridge and standard SQS are at-least-once and unordered),
 * or lose one (ACM's events are best effort), so the tests and the demo meet what AWS does.
 */
import type { SQSEvent } from 'aws-lambda';
import type { OrganizationEvent } from '../lambdas/core/events/classify';
import { SimEventEmitter } from './sim/events';
import type { SimOrganization } from './sim/org';
import { Rng } from './sim/rng';

/** The Lambda event source mapping's largest batch from a standard queue without a batching window. */
export const SQS_BATCH_SIZE = 10;

export interface LocalEventBusOptions {
  org: SimOrganization;
  /** Where the forwarding stacks are deployed. @default every account-region of an ACTIVE account */
  forwards?: (accountId: string, region: string) => boolean;
  /** Share of events delivered twice, 0-1. @default 0 */
  duplicateShare?: number;
  /** Whether batches reach the consumer shuffled. @default false */
  outOfOrder?: boolean;
  /** @default SQS_BATCH_SIZE */
  batchSize?: number;
  /** Seeds duplicates and shuffles. @default 1 */
  seed?: number;
}

export interface BusStats {
  /** Events the organization emitted. */
  emitted: number;
  /** Emitted where no forwarding is deployed: never reach the hub. */
  notForwarded: number;
  /** Lost on the way (best-effort delivery, see `loseNext`). */
  lost: number;
  /** Extra deliveries of an event already queued. */
  duplicated: number;
  /** Deliveries handed to the consumer. */
  delivered: number;
}

export class LocalEventBus {
  readonly emitter: SimEventEmitter;
  readonly stats: BusStats = { emitted: 0, notForwarded: 0, lost: 0, duplicated: 0, delivered: 0 };
  /** Every event forwarded so far, once each (what a test replays to imitate a redelivery). */
  readonly forwarded: OrganizationEvent[] = [];
  private readonly queue: OrganizationEvent[] = [];
  private readonly rng: Rng;
  private readonly stop: () => void;
  private toLose = 0;

  constructor(private readonly options: LocalEventBusOptions) {
    const batchSize = options.batchSize ?? SQS_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      throw new RangeError(`batchSize must be a whole number from 1 to 10000, got ${batchSize}`);
    }
    const share = options.duplicateShare ?? 0;
    if (!(share >= 0 && share <= 1)) throw new RangeError(`duplicateShare must be within 0-1, got ${share}`);
    this.emitter = new SimEventEmitter(options.org);
    this.rng = new Rng(options.seed ?? 1);
    this.stop = options.org.observe((mutation, certificate) =>
      this.put(this.emitter.forMutation(mutation, certificate)),
    );
  }

  /** Events waiting for the consumer. */
  get depth(): number {
    return this.queue.length;
  }

  /** The next `count` events that would be forwarded are lost instead. */
  loseNext(count = 1): void {
    this.toLose += count;
  }

  /** Emits what ACM sends as the simulated clock moves from `fromMs` to `toMs` (expiry notices). */
  timePassed(fromMs: number, toMs: number): number {
    const events = this.emitter.forTimePassing(fromMs, toMs);
    this.put(events);
    return events.length;
  }

  /** Events as the forwarding rules deliver them to the hub's queue. */
  put(events: readonly OrganizationEvent[]): void {
    for (const event of events) {
      this.stats.emitted++;
      if (!this.forwards(event)) {
        this.stats.notForwarded++;
        continue;
      }
      if (this.toLose > 0) {
        this.toLose--;
        this.stats.lost++;
        continue;
      }
      this.queue.push(event);
      this.forwarded.push(event);
      if (this.rng.chance(this.options.duplicateShare ?? 0)) {
        this.stats.duplicated++;
        this.queue.push(structuredClone(event));
      }
    }
  }

  /** Hands everything queued to the consumer, batch by batch, until the queue is empty. */
  async drain<R>(consumer: (batch: OrganizationEvent[]) => Promise<R>): Promise<R[]> {
    const results: R[] = [];
    const size = this.options.batchSize ?? SQS_BATCH_SIZE;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, size);
      if (this.options.outOfOrder) this.rng.shuffle(batch);
      this.stats.delivered += batch.length;
      results.push(await consumer(batch));
    }
    return results;
  }

  close(): void {
    this.stop();
  }

  private forwards(event: OrganizationEvent): boolean {
    if (this.options.forwards) return this.options.forwards(event.account, event.region);
    const account = this.options.org.account(event.account);
    return account !== undefined && this.options.org.stateOf(account) === 'ACTIVE';
  }
}

/** A batch as the Lambda event source mapping hands it over: each event the JSON body of one SQS message. */
export function toSqsEvent(batch: readonly OrganizationEvent[], queueArn: string): SQSEvent {
  return {
    Records: batch.map((event, index) => ({
      messageId: `${event.id}-${index}`,
      receiptHandle: `local-${event.id}-${index}`,
      body: JSON.stringify(event),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.parse(event.time)),
        SenderId: 'events.amazonaws.com',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: queueArn.split(':')[3] ?? 'us-east-1',
    })),
  };
}
