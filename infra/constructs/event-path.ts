/**
 * The hub side of the real-time event path: an event bus the organization's accounts may put events on (its policy
 * names the organization, never "*" alone), rules that send what the forwarding rules forward to an encrypted SQS
 * queue, and the Events Lambda reading that queue in batches. A batch that keeps failing lands in the dead-letter
 * queue, whose alarm goes to the monitor's alarm topic: an event path that silently drops events would let a renewal
 * failure wait for the next daily run without anyone knowing why.
 *
 * No business logic here: what is matched comes from lambdas/core/events/patterns.ts, what the function may do on
 * the table from the hub stack's grants.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { AnyPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { forwardedEventPatterns } from '../../lambdas/core/events/patterns';
import { HUB_EVENT_BUS_NAME } from '../role-names';

/** Deliveries of one batch before SQS moves its messages to the dead-letter queue. */
export const EVENT_QUEUE_MAX_RECEIVES = 5;
/** At most this many Events Lambdas at once: each rescans accounts under ACM's per-account quotas. */
export const EVENT_LAMBDA_MAX_CONCURRENCY = 5;
/**
 * Messages per Lambda batch: a burst coalesces into one rescan per target only when it arrives in one batch. Above
 * 10, SQS requires a batching window, so without one the batch stays at 10.
 */
export const EVENT_BATCH_SIZE = 100;
const EVENT_BATCH_SIZE_WITHOUT_WINDOW = 10;

export interface EventPathProps {
  /** The Events Lambda (a MonitorFunction's function). */
  readonly handler: IFunction;
  /** Its timeout: the queue's visibility timeout must exceed it (AWS advises six times). */
  readonly handlerTimeout: Duration;
  /** The organization whose accounts may put events on the bus. */
  readonly principalOrgId: string;
  /** Seconds the queue gathers a burst before the Lambda runs. */
  readonly batchingWindow: Duration;
  /** Where the dead-letter alarm goes. */
  readonly alarmTopic: ITopic;
  /** @default HUB_EVENT_BUS_NAME (the forwarding rules of every account name it) */
  readonly eventBusName?: string;
}

export class EventPath extends Construct {
  readonly bus: EventBus;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly deadLetterAlarm: Alarm;
  readonly rules: Rule[];

  constructor(scope: Construct, id: string, props: EventPathProps) {
    super(scope, id);
    if (!/^o-[a-z0-9]{10,32}$/.test(props.principalOrgId)) {
      throw new Error(
        `EventPath: principalOrgId must be an organization id such as o-a1b2c3d4e5, got ${props.principalOrgId}`,
      );
    }

    this.bus = new EventBus(this, 'Bus', { eventBusName: props.eventBusName ?? HUB_EVENT_BUS_NAME });
    // Any principal of the organization, and only of it: member accounts join and leave, and the forwarding rules
    // put events with a role of their own account (aws:PrincipalOrgID is that role's organization).
    this.bus.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OrganizationPutsEvents',
        principals: [new AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': props.principalOrgId } },
      }),
    );

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.handlerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: EVENT_QUEUE_MAX_RECEIVES },
    });

    const target = new SqsQueue(this.queue);
    this.rules = forwardedEventPatterns().map(
      (pattern, index) =>
        new Rule(this, index === 0 ? 'AcmEvents' : 'CertificateUseCalls', {
          eventBus: this.bus,
          description: 'Certificate events forwarded from the organization, to the event queue',
          eventPattern: {
            source: pattern.source,
            ...(pattern['detail-type'] ? { detailType: pattern['detail-type'] } : {}),
            ...(pattern.detail ? { detail: pattern.detail } : {}),
          },
          targets: [target],
        }),
    );

    props.handler.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchingWindow.toSeconds() > 0 ? EVENT_BATCH_SIZE : EVENT_BATCH_SIZE_WITHOUT_WINDOW,
        maxBatchingWindow: props.batchingWindow,
        maxConcurrency: EVENT_LAMBDA_MAX_CONCURRENCY,
        reportBatchItemFailures: true,
      }),
    );

    this.deadLetterAlarm = new Alarm(this, 'DeadLettersAlarm', {
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      alarmDescription:
        'Events from the organization could not be handled after several tries and wait in the dead-letter queue. ' +
        "The Events Lambda's log group has the error; the next daily run still sees what they announced.",
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(props.alarmTopic);
    this.deadLetterAlarm.addAlarmAction(action);
    this.deadLetterAlarm.addOkAction(action);
  }
}
