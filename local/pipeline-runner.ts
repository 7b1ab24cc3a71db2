/**
 * Runs the real pipeline on loopback: the hub stack synthesized in-process from infra/ (bundling skipped), its
 * table, bucket and Slack secret created in dynalite and the simulator as CloudFormation would, and the state
 * machine's own definition executed by aws-local-stepfunctions with every Task state bound to the real handler of
 * its Lambda, configured with the very environment the template gives that function.
 *
 * What the local engine cannot do is bridged here, and only here:
 * - it does not read a Distributed Map's ItemReader: the ListTargets binding reads the work list the real handler
 *   wrote to the simulated S3 and hands it to the Map through ItemsPath (the FinalizeRun binding strips it again);
 * - it has no payload limit: states-limits.ts checks every state's input and output against Step Functions' 256 KiB
 *   (the bridged work list left out), and the result a Distributed Map without a ResultWriter gathers from its
 *   children; past the limit the execution fails with States.DataLimitExceeded, as in AWS;
 * - it applies the States Language's 60-second default to Task states without TimeoutSeconds, where AWS lets the
 *   Lambda's own timeout decide: each Task gets its function's Timeout from the template;
 * - the Lambdas run at simulated AWS time: while a run executes, `Date` follows the simulator's clock (plus the real
 *   time elapsed), so scans, reports and alerts are dated on the simulated day the way they would be in AWS.
 *
 * The handler modules read their configuration once, when first imported (a cold start), so a process serves one
 * simulator: start one per process (a test file or the demo).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { App } from 'aws-cdk-lib';
import type { Context } from 'aws-lambda';
import { buildApp } from '../infra/build-app';
import { CONFIG_CONTEXT_KEY } from '../infra/config';
import { NAG_CONTEXT_KEY } from '../infra/nag';
import { ensureTable } from '../lambdas/aws/table';
import type { OrganizationEvent } from '../lambdas/core/events/classify';
import type { EventsSummary } from '../lambdas/handlers/events';
import type { WorkItem } from '../lambdas/pipeline/contracts';
import type { LocalDynamo } from './dynalite';
import { toSqsEvent } from './event-bus';
import type { Simulator } from './sim';
import type { SlackReceiver } from './slack-receiver';
import { settleWithinLimits } from './states-limits';
import './with-resolvers';

/**
 * The Lambdas of the hub stack, by the name of their Task state (Heartbeat has none: EventBridge calls it; Events
 * neither: its queue does, and it exists only when the event path is on).
 */
export const FUNCTIONS = {
  ListTargets: 'list-targets',
  ScanTarget: 'scan-target',
  FinalizeRun: 'finalize-run',
  Heartbeat: 'heartbeat',
  Events: 'events',
} as const;
export type FunctionName = keyof typeof FUNCTIONS;
export type TaskName = Exclude<FunctionName, 'Heartbeat' | 'Events'>;
/** Functions only some configurations have. */
const OPTIONAL_FUNCTIONS: ReadonlySet<FunctionName> = new Set(['Events']);

/** The Slack receiver paths the demo and tests use as the two webhooks. */
export const SLACK_PATHS = { digest: '/digest', alerts: '/alerts' } as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type Handler = (event: unknown, context: Context) => Promise<unknown>;

interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface LocalFunction {
  logicalId: string;
  /** The environment the template gives the function, intrinsics resolved. */
  environment: Record<string, string>;
  timeoutSeconds: number;
}

/** The hub stack as deployed on loopback. */
export interface LocalHub {
  stackName: string;
  region: string;
  accountId: string;
  /** The state machine definition, intrinsics resolved, exactly as synthesized otherwise. */
  definition: JsonObject;
  functions: Record<Exclude<FunctionName, 'Events'>, LocalFunction> & { Events?: LocalFunction };
  /** The event queue's ARN, when the event path is on. */
  eventQueueArn?: string;
  tableName: string;
  bucket: string;
  /** The Slack secret's ARN (what SLACK_SECRET_ARN holds). */
  slackSecretId: string;
  /** Variables every handler sees while the hub is in use: endpoints, credentials, region, log settings. */
  processEnvironment: Record<string, string>;
}

export interface DeployOptions {
  sim: Simulator;
  dynamo: LocalDynamo;
  /**
   * The `certMonitor` configuration. Default: cdk.json's example without the organization stack (the simulator's
   * management principal lists the organization itself, so no organization-read role is involved).
   */
  config?: Record<string, unknown>;
  /** Powertools log level of the handlers. @default 'WARN' */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Whether the handlers print their EMF metrics to stdout. @default false */
  metrics?: boolean;
}

/** The example configuration of cdk.json, minus the organization stack. */
export function exampleConfig(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, Record<string, unknown>>;
  };
  const { organization: _organization, ...config } = cdkJson.context[CONFIG_CONTEXT_KEY] ?? {};
  return config;
}

/**
 * Runs on loopback ask no DNS outside it: without a `dnsDiagnosis` setting of its own (servers of the loopback DNS
 * server, as the demo gives), a local hub's diagnosis is off rather than asking the machine's resolver.
 */
function hermetic(config: Record<string, unknown>): Record<string, unknown> {
  return config.dnsDiagnosis === undefined ? { ...config, dnsDiagnosis: { enabled: false } } : config;
}

/** Synthesizes the hub stack and creates its table, bucket and Slack secret (placeholder value) on loopback. */
export async function deployHub(options: DeployOptions): Promise<LocalHub> {
  const app = new App({
    builtinCloudFormationValidation: false,
    context: {
      [CONFIG_CONTEXT_KEY]: hermetic(options.config ?? exampleConfig()),
      'aws:cdk:bundling-stacks': [],
      [NAG_CONTEXT_KEY]: false,
    },
  });
  const { hub } = buildApp(app);
  const assembly = app.synth({ validateOnSynthesis: false });
  const template = assembly.getStackArtifact(hub.artifactId).template as {
    Resources: Record<string, TemplateResource>;
  };
  const region = hub.region;
  const accountId = hub.account;
  const resources = template.Resources;
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

  const [tableEntry] = ofType('AWS::DynamoDB::Table');
  const [bucketEntry] = ofType('AWS::S3::Bucket');
  const [secretEntry] = ofType('AWS::SecretsManager::Secret');
  if (!tableEntry || !bucketEntry || !secretEntry)
    throw new Error('the hub template lacks its table, bucket or secret');
  const tableName = `${hub.stackName}-${tableEntry[0]}`;
  const bucket = `${hub.stackName}-${bucketEntry[0]}`.toLowerCase();

  const processEnvironment: Record<string, string> = {
    ...options.sim.env(),
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ENDPOINT_URL_DYNAMODB: options.dynamo.endpoint,
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: options.metrics ? 'false' : 'true',
  };
  const sdkConfig = {
    region,
    endpoint: options.sim.url,
    credentials: options.sim.credentials,
  };

  await ensureTable(
    new DynamoDBClient({ region, endpoint: options.dynamo.endpoint, credentials: options.sim.credentials }),
    tableName,
  );
  const s3 = new S3Client(sdkConfig);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  s3.destroy();
  const slackSecretId = await createSecret(sdkConfig, secretEntry[1]);

  const references: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': region,
    'AWS::AccountId': accountId,
    'AWS::URLSuffix': 'amazonaws.com',
    [tableEntry[0]]: tableName,
    [bucketEntry[0]]: bucket,
    [secretEntry[0]]: slackSecretId,
  };
  const resolve = (value: unknown): Json => resolveIntrinsics(value, references, region, accountId);

  const [machine] = ofType('AWS::StepFunctions::StateMachine');
  if (!machine) throw new Error('the hub template has no state machine');
  const definition = JSON.parse(resolve(machine[1].Properties?.DefinitionString) as string) as JsonObject;

  const functions = {} as LocalHub['functions'];
  for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
    const entry = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith(`${name}Function`));
    if (!entry && OPTIONAL_FUNCTIONS.has(name)) continue;
    if (!entry) throw new Error(`the hub template has no ${name} function`);
    const properties = entry[1].Properties ?? {};
    const variables = (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    functions[name] = {
      logicalId: entry[0],
      environment: Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, String(resolve(value))])),
      timeoutSeconds: Number(properties.Timeout ?? 3),
    };
  }
  const queue = ofType('AWS::SQS::Queue').find(([, resource]) => resource.Properties?.RedrivePolicy !== undefined);
  return {
    stackName: hub.stackName,
    region,
    accountId,
    definition,
    functions,
    ...(queue ? { eventQueueArn: `arn:aws:sqs:${region}:${accountId}:${hub.stackName}-${queue[0]}` } : {}),
    tableName,
    bucket,
    slackSecretId,
    processEnvironment,
  };
}

async function createSecret(
  config: { region: string; endpoint: string; credentials: Simulator['credentials'] },
  secret: TemplateResource,
): Promise<string> {
  const client = new SecretsManagerClient(config);
  const name = String(secret.Properties?.Name);
  try {
    const created = await client.send(
      new CreateSecretCommand({ Name: name, SecretString: String(secret.Properties?.SecretString ?? '') }),
    );
    return created.ARN as string;
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw error;
    return (await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: '{}' }))).ARN as string;
  } finally {
    client.destroy();
  }
}

/** Fn::Join, Fn::GetAtt (an ARN placeholder) and Ref (pseudo parameters and the created resources). */
function resolveIntrinsics(value: unknown, refs: Record<string, string>, region: string, accountId: string): Json {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, refs, region, accountId));
  if (value === null || typeof value !== 'object') return value as Json;
  const object = value as Record<string, unknown>;
  if ('Ref' in object) {
    const name = String(object.Ref);
    return refs[name] ?? `${name}-placeholder`;
  }
  if ('Fn::GetAtt' in object) {
    const [logicalId, attribute] = object['Fn::GetAtt'] as [string, string];
    if (attribute === 'Arn' && logicalId.includes('Function')) {
      return `arn:aws:lambda:${region}:${accountId}:function:${logicalId}`;
    }
    return `${logicalId}.${attribute}`;
  }
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => String(resolveIntrinsics(part, refs, region, accountId))).join(separator);
  }
  return Object.fromEntries(
    Object.entries(object).map(([key, item]) => [key, resolveIntrinsics(item, refs, region, accountId)]),
  );
}

/** Stores the Slack webhooks in the hub's secret, as an operator does after deploying. */
export async function setSlackWebhooks(
  sim: Simulator,
  hub: LocalHub,
  webhooks: { digestWebhookUrl: string; alertsWebhookUrl: string },
): Promise<void> {
  const client = new SecretsManagerClient({ region: hub.region, endpoint: sim.url, credentials: sim.credentials });
  try {
    await client.send(
      new PutSecretValueCommand({ SecretId: hub.slackSecretId, SecretString: JSON.stringify(webhooks) }),
    );
  } finally {
    client.destroy();
  }
}

/** The receiver's two paths as the secret's webhooks. */
export function receiverWebhooks(slack: SlackReceiver): { digestWebhookUrl: string; alertsWebhookUrl: string } {
  return {
    digestWebhookUrl: `${slack.url}${SLACK_PATHS.digest}`,
    alertsWebhookUrl: `${slack.url}${SLACK_PATHS.alerts}`,
  };
}

// ---- the handlers, imported once with their own environment ----

function deployedFunction(hub: LocalHub, name: FunctionName): LocalFunction {
  const fn = hub.functions[name];
  if (fn === undefined) {
    throw new Error(`the hub was deployed without the ${name} function: turn it on (certMonitor.events.enabled)`);
  }
  return fn;
}

const handlers = new Map<FunctionName, Handler>();
const deployed = new WeakMap<Simulator, Promise<LocalHub>>();

/** The real handler of a function, imported (cold-started) with exactly the environment the template gives it. */
export async function loadHandler(hub: LocalHub, name: FunctionName): Promise<Handler> {
  const loaded = handlers.get(name);
  if (loaded) return loaded;
  Object.assign(process.env, hub.processEnvironment);
  const own = deployedFunction(hub, name).environment;
  const saved = new Map(Object.keys(own).map((key) => [key, process.env[key]]));
  Object.assign(process.env, own);
  try {
    const module = (await import(`../lambdas/handlers/${FUNCTIONS[name]}.ts`)) as { handler: Handler };
    handlers.set(name, module.handler);
    return module.handler;
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** A Lambda context whose remaining time counts down from the function's timeout. */
export function lambdaContext(hub: LocalHub, name: FunctionName): Context {
  const fn = deployedFunction(hub, name);
  const deadline = performance.now() + fn.timeoutSeconds * 1000;
  const functionName = `${hub.stackName}-${fn.logicalId}`;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${hub.region}:${hub.accountId}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, Math.round(deadline - performance.now())),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

// ---- simulated AWS time ----

/**
 * Makes `Date` (and `Date.now`) read `startMs` plus the real time elapsed since, until the returned function is
 * called. Dates created before keep working (`instanceof Date` still holds for them).
 */
export function useSimulatedTime(startMs: number): () => void {
  const RealDate = Date;
  const realStart = RealDate.now();
  const now = () => startMs + (RealDate.now() - realStart);
  class SimulatedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now());
      else super(...(args as [string | number | Date]));
    }

    static override now(): number {
      return now();
    }

    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof RealDate;
    }
  }
  globalThis.Date = SimulatedDate as DateConstructor;
  return () => {
    globalThis.Date = RealDate;
  };
}

// ---- one run ----

export interface PipelineHooks {
  /** Before a Task state's handler runs; throwing fails that invocation, as a crashing Lambda would. */
  beforeTask?(state: TaskName, input: unknown): void | Promise<void>;
  /** After a Task state's handler returned; throwing fails the invocation after its work was done. */
  afterTask?(state: TaskName, input: unknown, output: unknown): void | Promise<void>;
}

export interface RunPipelineOptions {
  sim: Simulator;
  dynamo: LocalDynamo;
  /** When given, its `/digest` and `/alerts` paths are stored in the Slack secret before the run. */
  slack?: SlackReceiver;
  /** The execution's name, which is the run id. */
  runId: string;
  /** The simulated time the execution starts at. @default the simulator's clock */
  now?: Date;
  /** A hub deployed before; by default one is deployed on first use and reused for this simulator. */
  hub?: LocalHub;
  hooks?: PipelineHooks;
  /** Passed to deployHub the first time. */
  deploy?: Omit<DeployOptions, 'sim' | 'dynamo'>;
}

export interface PipelineRun {
  runId: string;
  /** `$$.Execution.StartTime` as the engine stamped it (simulated time). */
  startedAt: string;
  /** The execution's output: its input with `listing` and FinalizeRun's `summary`. */
  output: JsonObject;
  /** The work list ListTargets wrote: one item per account. */
  accounts: WorkItem[];
  /** Children whose ScanTarget threw after its retries and ended in the ScanFailed Pass state. */
  failedChildren: Array<{ account: WorkItem; error: string }>;
  /** The largest state input or output of the execution, in bytes (Step Functions allows STATES_PAYLOAD_LIMIT). */
  largestPayloadBytes: number;
  /** Retries by state name (after a Lambda service error). */
  retries: Record<string, number>;
  /** Wall-clock duration of the execution. */
  durationMs: number;
  hub: LocalHub;
}

/** The state data as AWS holds it: without the work list the local bridge adds at `listing.items`. */
function withoutBridge(value: unknown): unknown {
  const listing = (value as { listing?: { items?: unknown } } | null)?.listing;
  if (listing === undefined || listing === null || typeof listing !== 'object' || !('items' in listing)) return value;
  const { items: _items, ...rest } = listing;
  return { ...(value as object), listing: rest };
}

/** The Map state as the local engine can run it: items through ItemsPath, no Distributed-only fields. */
function localDefinition(hub: LocalHub): JsonObject {
  const definition = structuredClone(hub.definition) as JsonObject & { States: Record<string, JsonObject> };
  for (const state of Object.values(definition.States)) {
    if (state.Type === 'Map' && state.ItemReader !== undefined) {
      const {
        ItemReader: _reader,
        ResultWriter: _writer,
        ToleratedFailurePercentage: _tolerated,
        Label: _label,
        ...rest
      } = state;
      const processor = { ...(rest.ItemProcessor as JsonObject) };
      delete processor.ProcessorConfig;
      for (const key of Object.keys(state)) delete state[key];
      Object.assign(state, rest, { ItemProcessor: processor, ItemsPath: '$.listing.items' });
    }
  }
  const timeouts = (states: Record<string, JsonObject>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task' && state.TimeoutSeconds === undefined && name in hub.functions) {
        state.TimeoutSeconds = deployedFunction(hub, name as FunctionName).timeoutSeconds;
      }
      const processor = state.ItemProcessor as { States?: Record<string, JsonObject> } | undefined;
      if (processor?.States) timeouts(processor.States);
    }
  };
  timeouts(definition.States);
  return definition;
}

async function readWorkList(sim: Simulator, hub: LocalHub, bucket: string, key: string): Promise<WorkItem[]> {
  const s3 = new S3Client({ region: hub.region, endpoint: sim.url, credentials: sim.credentials });
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse(
      await (object.Body as { transformToString(): Promise<string> }).transformToString(),
    ) as WorkItem[];
  } finally {
    s3.destroy();
  }
}

export async function runPipeline(options: RunPipelineOptions): Promise<PipelineRun> {
  const { sim, runId } = options;
  let hub = options.hub;
  if (!hub) {
    let pending = deployed.get(sim);
    if (!pending) {
      pending = deployHub({ sim, dynamo: options.dynamo, ...options.deploy });
      deployed.set(sim, pending);
    }
    hub = await pending;
  }
  const localHub = hub;
  if (options.slack) await setSlackWebhooks(sim, localHub, receiverWebhooks(options.slack));
  // One at a time: each import reads process.env as loadHandler sets it for that function alone.
  const listTargets = await loadHandler(localHub, 'ListTargets');
  const scanTarget = await loadHandler(localHub, 'ScanTarget');
  const finalizeRun = await loadHandler(localHub, 'FinalizeRun');

  let accounts: WorkItem[] = [];
  const bind =
    (
      state: TaskName,
      handler: Handler,
      shape?: { input?: (input: Json) => Json; output?: (output: Json) => Promise<Json> },
    ) =>
    async (input: Json): Promise<Json> => {
      const event = shape?.input ? shape.input(input) : input;
      await options.hooks?.beforeTask?.(state, event);
      const output = (await handler(structuredClone(event), lambdaContext(localHub, state))) as Json;
      await options.hooks?.afterTask?.(state, event, output);
      return shape?.output ? shape.output(output) : output;
    };

  const { StateMachine } = await import('aws-local-stepfunctions');
  const machine = new StateMachine(localDefinition(localHub) as never, {
    validationOptions: { checkArn: false },
  });
  const startedAt = options.now ?? sim.clock.now();
  const restoreTime = useSimulatedTime(startedAt.getTime());
  const clock = performance.now();
  try {
    const execution = machine.run(
      {},
      {
        // The engine stamps Execution.StartTime itself from `Date`, which follows the simulated clock here.
        context: { Execution: { Name: runId, StartTime: startedAt.toISOString() } },
        overrides: {
          taskResourceLocalHandlers: {
            ListTargets: bind('ListTargets', listTargets, {
              output: async (listing) => {
                const { bucket, key } = listing as { bucket: string; key: string };
                accounts = await readWorkList(sim, localHub, bucket, key);
                return { ...(listing as JsonObject), items: accounts as unknown as Json };
              },
            }),
            ScanTarget: bind('ScanTarget', scanTarget),
            FinalizeRun: bind('FinalizeRun', finalizeRun, {
              // The real payload: the listing as ListTargets returned it, without the items added above.
              input: (input) => {
                const event = structuredClone(input) as { listing?: JsonObject };
                if (event.listing) delete event.listing.items;
                return event as Json;
              },
            }),
          },
          // Lambda-service retries wait seconds in AWS; locally they only need to happen.
          retryIntervalOverrides: { ListTargets: 10, ScanTarget: 10, FinalizeRun: 10 },
        },
      },
    );
    const failedChildren: PipelineRun['failedChildren'] = [];
    const retries: Record<string, number> = {};
    const settled = await settleWithinLimits(execution, localHub.definition, {
      strip: withoutBridge,
      onEvent: (event) => {
        const state = event.state;
        if (!state) return;
        if (event.type === 'StateRetried') retries[state.name] = (retries[state.name] ?? 0) + 1;
        if (event.type === 'StateExited' && state.name === 'ScanFailed') {
          const output = state.output as { account: WorkItem; error?: { Error?: string; Cause?: string } };
          failedChildren.push({ account: output.account, error: `${output.error?.Error}: ${output.error?.Cause}` });
        }
      },
    });
    const output = settled.output as JsonObject;
    const result = structuredClone(output) as JsonObject & { listing?: JsonObject };
    if (result.listing) delete result.listing.items;
    return {
      runId,
      startedAt: typeof result.listing?.startedAt === 'string' ? result.listing.startedAt : startedAt.toISOString(),
      output: result,
      accounts,
      failedChildren,
      retries,
      largestPayloadBytes: settled.largestPayloadBytes,
      durationMs: Math.round(performance.now() - clock),
      hub: localHub,
    };
  } finally {
    restoreTime();
  }
}

/** One invocation of the Heartbeat Lambda at a simulated time (EventBridge Scheduler calls it hourly in AWS). */
export async function invokeHeartbeat(options: { sim: Simulator; hub: LocalHub; now?: Date }): Promise<unknown> {
  const handler = await loadHandler(options.hub, 'Heartbeat');
  const restoreTime = useSimulatedTime((options.now ?? options.sim.clock.now()).getTime());
  try {
    return await handler({}, lambdaContext(options.hub, 'Heartbeat'));
  } finally {
    restoreTime();
  }
}

/**
 * One invocation of the Events Lambda at a simulated time, with a batch as its queue's event source mapping hands it
 * over (each event the body of an SQS message). The hub must have been deployed with the event path on.
 */
export async function invokeEvents(options: {
  sim: Simulator;
  hub: LocalHub;
  batch: readonly OrganizationEvent[];
  now?: Date;
}): Promise<EventsSummary> {
  const handler = await loadHandler(options.hub, 'Events');
  const queueArn = options.hub.eventQueueArn ?? `arn:aws:sqs:${options.hub.region}:${options.hub.accountId}:events`;
  const restoreTime = useSimulatedTime((options.now ?? options.sim.clock.now()).getTime());
  try {
    const output = (await handler(toSqsEvent(options.batch, queueArn), lambdaContext(options.hub, 'Events'))) as {
      summary: EventsSummary;
    };
    return output.summary;
  } finally {
    restoreTime();
  }
}
