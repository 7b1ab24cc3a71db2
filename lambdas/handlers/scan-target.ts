/**
 * The ScanTarget Lambda: one Distributed Map child, one account (its regions side by side). Scans with the audit
 * role, stores each region's snapshot and changes, and returns a small summary. It stops describing early when the
 * invocation's remaining time runs short, and a target's failure comes back as a result: throwing is left for a
 * store that cannot be written.
 */
import type { Context } from 'aws-lambda';
import { createStsClient } from '../aws/clients';
import { DynamoEndpointStore } from '../aws/store/endpoint-store';
import { RUN_LOG } from '../core/names';
import { createProbe } from '../net/probe-factory';
import { parseEvent, type ScanSummary, ScanTargetEventSchema } from '../pipeline/contracts';
import { type ScanChildDeps, scanChild } from '../pipeline/scan-child';
import { openStateStore } from '../wiring/stores';
import { loadScanTargetConfig, scanTargetProbe } from './config';
import { createDocumentClient, createLogger, invocation, pipelineLogger, scanOptions } from './runtime';

const config = loadScanTargetConfig(process.env);
const logger = createLogger();

const doc = createDocumentClient(config.region);
const store = openStateStore(doc, {
  tableName: config.tableName,
  historyDays: config.historyDays,
});
const probe = scanTargetProbe(config);
const deps: ScanChildDeps = {
  sts: createStsClient({ region: config.region }),
  store,
  zones: store,
  clientConfig: { region: config.region },
  logger: pipelineLogger(logger),
  ...(probe
    ? {
        probe: createProbe(probe),
        probeConcurrency: config.probeConcurrency,
        probeTimeoutMs: config.probeTimeoutMs,
        endpoints: new DynamoEndpointStore(doc, config.tableName),
      }
    : {}),
};

export async function handler(event: unknown, context: Context): Promise<ScanSummary> {
  return invocation({ logger }, context, async () => {
    const { runId, account } = parseEvent(ScanTargetEventSchema, event, 'ScanTarget');
    logger.appendKeys({ runId, accountId: account.accountId });
    const summary = await scanChild(deps, {
      runId,
      account,
      regions: config.regions,
      now: new Date(),
      roleName: config.auditRoleName,
      features: config.features,
      expiryDays: config.expiryDays,
      ...(config.externalId ? { externalId: config.externalId } : {}),
      options: scanOptions(config, context),
    });
    // Each region's line (RUN_LOG.targetScanned) was logged as it finished; this one sums up the account.
    logger.info(RUN_LOG.accountScanned, { ...summary });
    return summary;
  });
}
