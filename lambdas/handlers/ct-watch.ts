/**
 * The CtWatch Lambda, hourly by default: polls the CT search API for the organization's domains and alerts on-call
 * once per certificate issued outside the organization (pipeline/ct-watch.ts). The API key, when configured, is read
 * from its own secret beside the Slack one, never from the environment.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { MemoizedApiKey } from '../aws/ct-api-key';
import { CT_FREE_QUERIES_PER_HOUR } from '../core/ct/model';
import { HttpCtApi } from '../net/ct-api';
import { type CtWatchPipelineOutcome, watchCertificateTransparency } from '../pipeline/ct-watch';
import { defaultSlackPoster, readSlackSetup } from '../wiring/slack';
import { openAlertStore, openCtStore, openStateStore } from '../wiring/stores';
import { loadCtWatchConfig } from './config';
import { createDocumentClient, createLogger, createMetrics, invocation, pipelineLogger } from './runtime';

const config = loadCtWatchConfig(process.env);
const logger = createLogger();
const metrics = createMetrics();
const doc = createDocumentClient(config.region);
const secrets = new SecretsManagerClient({ region: config.region });
const apiKey = new MemoizedApiKey(secrets, config.apiKeySecretId, (client, id) =>
  client.send(new GetSecretValueCommand({ SecretId: id })),
);

export interface CtWatchSummary {
  domains: number;
  requests: number;
  unknown: number;
  failures: number;
  alerts: CtWatchPipelineOutcome['alerts'];
}

export async function handler(_event: unknown, context: Context): Promise<CtWatchSummary> {
  return invocation({ logger, metrics }, context, async () => {
    const key = await apiKey.value();
    const outcome = await watchCertificateTransparency(
      {
        api: new HttpCtApi({
          baseUrl: config.apiUrl,
          ...(key !== undefined ? { apiKey: key } : {}),
          // A Retry-After the function's remaining time cannot wait out ends the poll; the cursor resumes next hour.
          maxWaitMs: Math.max(0, Math.min(30_000, context.getRemainingTimeInMillis() - 60_000)),
        }),
        store: openCtStore(doc, config.tableName),
        snapshot: openStateStore(doc, { tableName: config.tableName, historyDays: config.historyDays }),
        alerts: openAlertStore(doc, config.tableName),
        slack: () => readSlackSetup(secrets, config.slackSecretId),
        poster: defaultSlackPoster(),
        clock: () => new Date(),
        logger: pipelineLogger(logger),
      },
      { allow: config.allow, ownerTagKey: config.ownerTagKey, ...(config.domains ? { domains: config.domains } : {}) },
    );
    const { watch } = outcome;
    const perHour = watch.requests * (60 / config.ctSchedulePeriodMinutes);
    if (key === undefined && perHour > CT_FREE_QUERIES_PER_HOUR) {
      logger.warn('the CT watch needs more queries an hour than the API allows without a key', {
        queriesPerHour: Math.round(perHour),
        allowance: CT_FREE_QUERIES_PER_HOUR,
        fix: 'store an API key in the secret named by certMonitor.ct.apiKeySecretName, or raise certMonitor.ct.periodMinutes',
      });
    }
    return {
      domains: watch.report.domains.length,
      requests: watch.requests,
      unknown: watch.report.issuances.filter(
        (i) => i.status === 'unknown' || i.status === 'amazon-outside-organization',
      ).length,
      failures: watch.failures.length,
      alerts: outcome.alerts,
    };
  });
}
