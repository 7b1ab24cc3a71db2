/**
 * The FinalizeRun Lambda: the run's last state. Aggregates the run, writes the report, alerts on-call, posts the
 * digest and records the run as completed; its RunCompleted metric is what the "no completed run" alarm watches.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { MemoizedApiKey } from '../aws/ct-api-key';
import { DynamoEventStore } from '../aws/event-store';
import { DigestMarker } from '../aws/store/digest-marker';
import { DynamoEndpointStore } from '../aws/store/endpoint-store';
import { HttpCtApi } from '../net/ct-api';
import { nodeDnsResolver } from '../net/dns-resolver';
import { createProbe } from '../net/probe-factory';
import { FinalizeRunEventSchema, parseEvent } from '../pipeline/contracts';
import { type FinalizeRunDeps, type FinalizeRunSummary, finalizeRun, runSummary } from '../pipeline/finalize-run';
import { destinationKeys } from '../run/routed-slack';
import { defaultSlackPoster, readSlackSetup } from '../wiring/slack';
import { openAccountRoutingStore, openAlertStore, openCtStore, openStateStore } from '../wiring/stores';
import { loadFinalizeRunConfig } from './config';
import { addRunMetrics } from './metrics';
import { createDocumentClient, createLogger, createMetrics, invocation, pipelineLogger } from './runtime';

const config = loadFinalizeRunConfig(process.env);
const logger = createLogger();
const metrics = createMetrics();
const doc = createDocumentClient(config.region);
const secrets = new SecretsManagerClient({ region: config.region });

const store = openStateStore(doc, {
  tableName: config.tableName,
  historyDays: config.historyDays,
});

const deps: FinalizeRunDeps = {
  s3: new S3Client({ region: config.region }),
  runs: store,
  zones: store,
  alerts: openAlertStore(doc, config.tableName),
  digestMarker: new DigestMarker(doc, { tableName: config.tableName, historyDays: config.historyDays }),
  slack: () => readSlackSetup(secrets, config.slackSecretId, destinationKeys(config.routes)),
  poster: defaultSlackPoster(),
  clock: () => new Date(),
  logger: pipelineLogger(logger),
  ...(config.eventRegions ? { events: new DynamoEventStore(doc, config.tableName) } : {}),
  // The Events Lambda routes its alerts with the account facts this run read: recorded only when it exists to.
  ...(config.eventRegions && config.routes ? { accountRouting: openAccountRoutingStore(doc, config.tableName) } : {}),
  ...(config.dnsDiagnosis.enabled
    ? {
        dns: nodeDnsResolver({
          ...(config.dnsDiagnosis.servers ? { servers: config.dnsDiagnosis.servers } : {}),
          timeoutMs: config.dnsDiagnosis.timeoutMs,
        }),
      }
    : {}),
  ...(config.probe
    ? {
        endpoints: {
          store: new DynamoEndpointStore(doc, config.tableName),
          probe: createProbe(config.probe),
          fileEndpoints: config.probe.fileEndpoints,
          concurrency: config.probeConcurrency,
        },
      }
    : {}),
};

const ctApiKey = new MemoizedApiKey(secrets, config.ct?.apiKeySecretId, (client, id) =>
  client.send(new GetSecretValueCommand({ SecretId: id })),
);

/** With the CT watch deployed, the run polls once more, so its digest lists the watched domains and what is unknown. */
async function runDeps(): Promise<FinalizeRunDeps> {
  if (config.ct === undefined) return deps;
  const key = await ctApiKey.value();
  return {
    ...deps,
    ct: {
      api: new HttpCtApi({ baseUrl: config.ct.apiUrl, ...(key !== undefined ? { apiKey: key } : {}) }),
      store: openCtStore(doc, config.tableName),
    },
  };
}

export async function handler(event: unknown, context: Context): Promise<FinalizeRunSummary> {
  return invocation({ logger, metrics }, context, async () => {
    const { runId, startedAt, listing } = parseEvent(FinalizeRunEventSchema, event, 'FinalizeRun');
    logger.appendKeys({ runId });
    const result = await finalizeRun(await runDeps(), {
      runId,
      startedAt,
      listing,
      expiryDays: config.expiryDays,
      ownerTagKey: config.ownerTagKey,
      ...(config.reportBaseUrl ? { reportBaseUrl: config.reportBaseUrl } : {}),
      ...(config.routes ? { routes: config.routes } : {}),
      ...(config.ct
        ? { ct: { allow: config.ct.allow, ...(config.ct.domains ? { domains: config.ct.domains } : {}) } }
        : {}),
    });
    addRunMetrics(metrics, result);
    return runSummary(result);
  });
}
