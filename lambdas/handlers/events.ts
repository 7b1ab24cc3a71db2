/**
 * The Events Lambda: one SQS batch of events forwarded from the organization's accounts to the hub bus. Each
 * message body is an EventBridge event; a body that is not one is logged and dropped (sending it again would not
 * change it). The batch is handled as a whole: a failure of the monitor's own table throws, and SQS delivers the
 * batch again and, after its retries, parks it in the dead-letter queue (whose alarm says so).
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { createStsClient } from '../aws/clients';
import { DynamoEventStore } from '../aws/event-store';
import { type EventBatchResult, type EventPathDeps, handleEvents } from '../events/handle-events';
import { parseSqsEvents } from '../events/sqs';
import { nodeDnsResolver } from '../net/dns-resolver';
import { destinationKeys } from '../run/routed-slack';
import { defaultSlackPoster, readSlackSetup } from '../wiring/slack';
import { openAccountRoutingStore, openAlertStore, openStateStore } from '../wiring/stores';
import { loadEventsConfig } from './config';
import { createDocumentClient, createLogger, invocation, pipelineLogger, scanOptions } from './runtime';

const config = loadEventsConfig(process.env);
const logger = createLogger();
const doc = createDocumentClient(config.region);
const secrets = new SecretsManagerClient({ region: config.region });
const store = openStateStore(doc, { tableName: config.tableName, historyDays: config.historyDays });

const deps: EventPathDeps = {
  sts: createStsClient({ region: config.region }),
  clientConfig: { region: config.region },
  snapshots: store,
  zones: store,
  alerts: openAlertStore(doc, config.tableName),
  events: new DynamoEventStore(doc, config.tableName),
  // With owner routing the secret also holds the destinations' webhooks: read with their keys, or it reads as malformed.
  slack: () => readSlackSetup(secrets, config.slackSecretId, destinationKeys(config.routes)),
  poster: defaultSlackPoster(),
  clock: () => new Date(),
  logger: pipelineLogger(logger),
  // Routes like the daily run: account tags and OUs as the last FinalizeRun recorded them.
  ...(config.routes ? { accountRouting: openAccountRoutingStore(doc, config.tableName) } : {}),
  ...(config.dnsDiagnosis.enabled
    ? {
        dns: nodeDnsResolver({
          ...(config.dnsDiagnosis.servers ? { servers: config.dnsDiagnosis.servers } : {}),
          timeoutMs: config.dnsDiagnosis.timeoutMs,
        }),
      }
    : {}),
};

/** What an invocation returns besides the batch response: the batch in figures, and each alert it delivered. */
export interface EventsSummary extends Omit<EventBatchResult, 'rescanned'> {
  rescanned: Array<Pick<EventBatchResult['rescanned'][number], 'accountId' | 'region' | 'status'>>;
}

export async function handler(
  event: unknown,
  context: Context,
): Promise<SQSBatchResponse & { summary: EventsSummary }> {
  return invocation({ logger }, context, async () => {
    const events = parseSqsEvents(event, (message, fields) => logger.warn(message, fields));
    const result: EventBatchResult = await handleEvents(deps, {
      events,
      roleName: config.auditRoleName,
      features: config.features,
      ...(config.externalId ? { externalId: config.externalId } : {}),
      options: scanOptions(config, context),
      expiryDays: config.expiryDays,
      ownerTagKey: config.ownerTagKey,
      ...(config.routes ? { routes: config.routes } : {}),
    });
    const { rescanned, deliveries, ...figures } = result;
    logger.info('event batch handled', {
      ...figures,
      rescanned: rescanned.length,
      failed: rescanned.filter((target) => target.status === 'error').length,
      delivered: deliveries.length,
    });
    return {
      batchItemFailures: [],
      summary: {
        ...figures,
        rescanned: rescanned.map(({ accountId, region, status }) => ({ accountId, region, status })),
        deliveries,
      },
    };
  });
}
