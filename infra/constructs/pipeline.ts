/**
 * The daily run as a Standard state machine:
 *
 *   ListTargets ──► ScanTargets (Distributed Map, EXPRESS children, one per account) ──► FinalizeRun
 *
 * Payload contracts (JSONPath; `$` is the execution's state; the types are the Lambdas' own, from contracts.ts):
 *
 *   ListTargets  in   StartRunEvent { runId: $$.Execution.Name, startedAt: $$.Execution.StartTime }
 *                out  RunListing, stored at $.listing; the object at s3://bucket/key is a JSON array of
 *                     WorkItem ({ accountId, accountName? })
 *   ScanTarget   in   ScanTargetEvent, one per array element ({ account: $$.Map.Item.Value, runId, startedAt })
 *                out  ScanSummary, written by the Map's ResultWriter to the work bucket (MAP_RESULTS_PREFIX), never
 *                     gathered into the execution's state: without a ResultWriter Step Functions collects every
 *                     child's output into the Map's result even when ResultPath discards it, and past 256 KiB (about
 *                     1,300 children) the execution fails with States.DataLimitExceeded. Each child writes its
 *                     results to the table; a failed child never fails the run (it catches every error into the
 *                     ScanFailed Pass state, and ToleratedFailurePercentage is 100 besides); FinalizeRun finds
 *                     accounts and regions without a result and reports them
 *   FinalizeRun  in   FinalizeRunEvent ({ runId, startedAt, listing })
 *                out  whatever it returns, at $.summary (the execution's output)
 *
 * Lambda service errors (not the handlers' own errors) are retried with backoff.
 */
import { type CfnElement, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  DefinitionBody,
  DistributedMap,
  Errors,
  JitterType,
  JsonPath,
  LogLevel,
  Pass,
  ResultWriterV2,
  type RetryProps,
  S3JsonItemReader,
  StateMachine,
  StateMachineType,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type {
  FailedScanRecord,
  FinalizeRunEvent,
  RunListing,
  ScanTargetEvent,
  StartRunEvent,
} from '../../lambdas/pipeline/contracts';
import { MAP_RESULTS_PREFIX } from '../../lambdas/pipeline/work-bucket';
import { acknowledgeFinding, arnWildcardFinding } from '../nag';

/** The CDK feature flag under which `resultWriterV2` renders; set on this construct, so no app must remember it. */
const RESULT_WRITER_V2_FLAG = '@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2';

/**
 * The JSONPath payload of each Task, typed by the Lambdas' own event types: a field renamed on one side and not the
 * other fails the type check here instead of a run.
 */
type Paths<T> = { [K in keyof T]-?: unknown };
const LIST_TARGETS_PAYLOAD: Paths<StartRunEvent> = {
  runId: JsonPath.stringAt('$$.Execution.Name'),
  startedAt: JsonPath.stringAt('$$.Execution.StartTime'),
};
const SCAN_TARGET_PAYLOAD: Paths<ScanTargetEvent> = {
  account: JsonPath.objectAt('$$.Map.Item.Value'),
  runId: JsonPath.stringAt('$.listing.runId'),
  startedAt: JsonPath.stringAt('$.listing.startedAt'),
};
const FINALIZE_RUN_PAYLOAD: Paths<FinalizeRunEvent> = {
  runId: JsonPath.stringAt('$.listing.runId'),
  startedAt: JsonPath.stringAt('$.listing.startedAt'),
  listing: JsonPath.objectAt('$.listing'),
};
const LISTING_BUCKET: keyof RunListing = 'bucket';
const LISTING_KEY: keyof RunListing = 'key';
/** What the ScanFailed state keeps of a child that threw: the work item (the ScanTarget event's), the run, the error. */
const SCAN_FAILED_RECORD: Paths<FailedScanRecord> = {
  account: JsonPath.objectAt(`$.${'account' satisfies keyof ScanTargetEvent}`),
  runId: JsonPath.stringAt(`$.${'runId' satisfies keyof ScanTargetEvent}`),
  status: 'failed' satisfies FailedScanRecord['status'],
  error: JsonPath.objectAt('$.error'),
};

/** Errors of the Lambda service itself (not of the handler), safe to retry. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

const SERVICE_RETRY: RetryProps = {
  errors: LAMBDA_SERVICE_ERRORS,
  interval: Duration.seconds(2),
  maxAttempts: 5,
  backoffRate: 2,
  maxDelay: Duration.seconds(30),
  jitterStrategy: JitterType.FULL,
};

/** A shorter retry inside the EXPRESS children, which must finish within 5 minutes in total. */
const CHILD_SERVICE_RETRY: RetryProps = { ...SERVICE_RETRY, maxAttempts: 3, maxDelay: Duration.seconds(8) };

export interface PipelineProps {
  readonly listTargets: IFunction;
  readonly scanTarget: IFunction;
  readonly finalizeRun: IFunction;
  /** Where ListTargets writes the work lists the map reads. */
  readonly workBucket: IBucket;
  /** Children running at once. */
  readonly maxConcurrency: number;
  readonly logRetention: RetentionDays;
  /**
   * A run that takes longer than this is stopped (and the timed-out alarm fires).
   * @default 6 hours
   */
  readonly timeout?: Duration;
}

export class Pipeline extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    this.node.setContext(RESULT_WRITER_V2_FLAG, true);

    const listTargets = new LambdaInvoke(this, 'ListTargets', {
      lambdaFunction: props.listTargets,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      payload: TaskInput.fromObject(LIST_TARGETS_PAYLOAD),
      resultPath: '$.listing',
    }).addRetry(SERVICE_RETRY);

    // A child whose scan throws (after its retries) ends in a Pass state that records the error instead of failing:
    // the error shows in the child's history, FinalizeRun reports the target (it has no result), and the run goes
    // on even where the tolerated failure percentage is not honoured (local runners).
    const scanFailed = new Pass(this, 'ScanFailed', {
      comment: 'The scan threw; FinalizeRun reports this account as a scan that did not complete',
      parameters: SCAN_FAILED_RECORD,
    });
    const scanTarget = new LambdaInvoke(this, 'ScanTarget', {
      lambdaFunction: props.scanTarget,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    })
      .addRetry(CHILD_SERVICE_RETRY)
      .addCatch(scanFailed, { errors: [Errors.ALL], resultPath: '$.error' });

    const scanTargets = new DistributedMap(this, 'ScanTargets', {
      itemReader: new S3JsonItemReader({
        bucketNamePath: JsonPath.stringAt(`$.listing.${LISTING_BUCKET}`),
        key: JsonPath.stringAt(`$.listing.${LISTING_KEY}`),
      }),
      itemSelector: SCAN_TARGET_PAYLOAD,
      resultWriterV2: new ResultWriterV2({ bucket: props.workBucket, prefix: MAP_RESULTS_PREFIX }),
      mapExecutionType: StateMachineType.EXPRESS,
      maxConcurrency: props.maxConcurrency,
      toleratedFailurePercentage: 100,
      resultPath: JsonPath.DISCARD,
      label: 'ScanTargets',
    }).itemProcessor(scanTarget);

    const finalizeRun = new LambdaInvoke(this, 'FinalizeRun', {
      lambdaFunction: props.finalizeRun,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      payload: TaskInput.fromObject(FINALIZE_RUN_PAYLOAD),
      resultPath: '$.summary',
    }).addRetry(SERVICE_RETRY);

    // Vended-logs prefix: Step Functions then does not grow the account's log resource policy for every machine.
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-pipeline`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(listTargets.next(scanTargets).next(finalizeRun)),
      timeout: props.timeout ?? Duration.hours(6),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: LogLevel.ERROR, includeExecutionData: false },
      comment: 'Certificate monitor: list accounts, scan each account (its regions side by side), finalize the run',
    });

    // The item reader names its bucket by JSONPath, so CDK cannot derive this grant; read-only, this bucket only.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [props.workBucket.arnForObjects('*')] }),
    );

    this.acknowledgeGrants(props);
    acknowledgeFinding(
      this.stateMachine,
      'AwsSolutions-SF1',
      'Logs ERROR events only, without execution data: every run has up to thousands of child executions, and ' +
        'their payloads (account ids and names) add nothing the table does not already record. Failures still log.',
    );
  }

  /** The wildcards CDK's own grants put in the state machine's role, each for a reason of the service. */
  private acknowledgeGrants(props: PipelineProps): void {
    const stack = Stack.of(this);
    // On the state machine, so they cover both its role's policy and the Distributed Map's separate policy.
    const role = this.stateMachine;
    for (const fn of [props.listTargets, props.scanTarget, props.finalizeRun]) {
      acknowledgeFinding(
        role,
        arnWildcardFinding(fn, ':*'),
        'lambda:InvokeFunction on the function and its versions (ARN:*), as the LambdaInvoke task grants it.',
      );
    }
    acknowledgeFinding(
      role,
      arnWildcardFinding(props.workBucket, '/*'),
      'The Distributed Map reads the work list from a JSONPath key; the bucket holds only work lists and reports.',
    );
    const bucketId = stack.getLogicalId(props.workBucket.node.defaultChild as CfnElement);
    acknowledgeFinding(
      role,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<${bucketId}>/*]`,
      `The Distributed Map's ResultWriter writes each child's small summary under ${MAP_RESULTS_PREFIX}/ in the work ` +
        'bucket (the object-level grant ResultWriterV2 makes); the bucket holds only work lists, map results and reports.',
    );
    acknowledgeFinding(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray (PutTraceSegments, PutTelemetryRecords, GetSampling*) and CloudWatch Logs delivery actions do not ' +
        'support resource-level permissions; Step Functions needs them for tracing and execution logging.',
    );
    // The Distributed Map starts, describes and stops its own child executions; their ids are not known before.
    const stateMachineName = JSON.stringify(
      stack.resolve(Fn.select(6, Fn.split(':', this.stateMachine.stateMachineArn))),
    );
    const executions = `arn:<AWS::Partition>:states:${stack.region}:${stack.account}:execution:${stateMachineName}`;
    const reason = 'The Distributed Map manages its own child executions, whose ids are generated at run time.';
    acknowledgeFinding(role, `AwsSolutions-IAM5[Resource::${executions}:*]`, reason);
    acknowledgeFinding(role, `AwsSolutions-IAM5[Resource::${executions}/ScanTargets:*]`, reason);
  }
}
