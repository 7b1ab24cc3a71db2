/**
 * What every handler builds once per cold start: a Powertools Logger and Metrics named from METRICS, and the hub's
 * DynamoDB document client. Endpoints are left to the SDK's resolution (AWS_ENDPOINT_URL_* for local runs).
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { createStateTableClient } from '../aws/store/client';
import { METRICS } from '../core/names';
import type { RunLogger } from '../run/complete-run';
import type { ScanOptions } from '../scan/scan-target';

export function createLogger(): Logger {
  return new Logger({ serviceName: METRICS.serviceName });
}

export function createMetrics(): Metrics {
  return new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.serviceName });
}

/** The state table's client, with retries that ride out a busy table (store/retry.ts). */
export function createDocumentClient(region: string): DynamoDBDocumentClient {
  return createStateTableClient({ region }).doc;
}

/** The use cases' logger interface over Powertools (which takes its extra keys as a rest parameter). */
export function pipelineLogger(logger: Logger): RunLogger {
  const extra = (fields?: Record<string, unknown>) => (fields === undefined ? [] : [fields]);
  return {
    info: (message, fields) => logger.info(message, ...extra(fields)),
    warn: (message, fields) => logger.warn(message, ...extra(fields)),
    error: (message, fields) => logger.error(message, ...extra(fields)),
  };
}

/** The log keys every line of an invocation carries once its event is read (removed again when it ends). */
export interface InvocationKeys {
  runId: string;
  account?: string;
  region?: string;
}

/**
 * Runs one invocation with the Lambda context on every log line, logs an error that escapes, and publishes the
 * invocation's metrics, for the handlers that emit any, at the end whatever happens (what Powertools' middleware
 * does; the handlers here are plain functions). Keys appended during the invocation are reset, so a warm container
 * does not carry them over.
 */
export async function invocation<T>(
  tools: { logger: Logger; metrics?: Metrics },
  context: Context,
  body: () => Promise<T>,
): Promise<T> {
  tools.logger.addContext(context);
  try {
    return await body();
  } catch (error) {
    tools.logger.error('invocation failed', error instanceof Error ? error : String(error));
    throw error;
  } finally {
    tools.logger.resetKeys();
    if (tools.metrics?.hasStoredMetrics()) tools.metrics.publishStoredMetrics();
  }
}

/** The settings a scan takes from a Lambda's config, and its deadline from the invocation: one mapping for every scanner. */
export function scanOptions(
  config: {
    describeConcurrency: number;
    refreshDays: number;
    changeThresholds: readonly number[];
    ownerTagKey: string;
  },
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Partial<ScanOptions> {
  return {
    describeConcurrency: config.describeConcurrency,
    refreshDays: config.refreshDays,
    thresholds: config.changeThresholds,
    ownerTagKey: config.ownerTagKey,
    deadlineMs: () => context.getRemainingTimeInMillis(),
  };
}
