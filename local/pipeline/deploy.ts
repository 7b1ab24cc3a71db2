/**
 * Deploys the hub stack on loopback: synthesized in-process from infra/ (bundling skipped), its table, bucket and
 * Slack secret created in dynalite and the simulator as CloudFormation would, each function's environment and
 * timeout read from the template with its intrinsics resolved. What run.ts executes and lambda-runtime.ts hands to
 * each handler comes from here, so the local pipeline runs what `cdk deploy` would deploy.
 */
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../infra/build-app';
import { CONFIG_CONTEXT_KEY } from '../../infra/config';
import { NAG_CONTEXT_KEY } from '../../infra/nag';
import { ensureTable } from '../../lambdas/aws/table';
import type { LocalDynamo } from '../dynalite';
import type { Simulator } from '../sim';
import type { SlackReceiver } from '../slack-receiver';

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

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

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
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
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

/**
 * Stores the Slack webhooks in the hub's secret, as an operator does after deploying; owner routing's destinations
 * go in beside them, under the keys `certMonitor.routes` names.
 */
export async function setSlackWebhooks(
  sim: Simulator,
  hub: LocalHub,
  webhooks: { digestWebhookUrl: string; alertsWebhookUrl: string } & Record<string, string>,
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

/** A function of the hub as deployed; the Events function only exists with the event path on. */
export function deployedFunction(hub: LocalHub, name: FunctionName): LocalFunction {
  const fn = hub.functions[name];
  if (fn === undefined) {
    throw new Error(`the hub was deployed without the ${name} function: turn it on (certMonitor.events.enabled)`);
  }
  return fn;
}
