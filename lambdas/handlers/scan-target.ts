/**
 * The ScanTarget Lambda: one Distributed Map child, one account-region. Scans with the audit role, stores the
 * snapshot and changes, and returns a small summary. It stops describing early when the invocation's remaining time
 * runs short, and a target's failure comes back as a result: throwing is left for a store that cannot be written.
 */
import type { Context } from 'aws-lambda';
import { createStsClient } from '../aws/clients';
import { RUN_LOG } from '../core/names';
import { parseEvent, ScanTargetEventSchema } from '../pipeline/contracts';
import { type ScanOneTargetDeps, type ScanSummary, scanOneTarget } from '../pipeline/scan-one-target';
import { openStateStore } from '../pipeline/stores';
import { loadScanTargetConfig } from './config';
import { createDocumentClient, createLogger, invocation, pipelineLogger } from './runtime';

const config = loadScanTargetConfig(process.env);
const logger = createLogger();

const deps: ScanOneTargetDeps = {
  sts: createStsClient({ region: config.region }),
  store: openStateStore(createDocumentClient(config.region), {
    tableName: config.tableName,
    historyDays: config.historyDays,
    expiryDays: config.expiryDays,
  }),
  clientConfig: {},
  logger: pipelineLogger(logger),
};

export async function handler(event: unknown, context: Context): Promise<ScanSummary> {
  return invocation({ logger }, context, async () => {
    const { runId, target } = parseEvent(ScanTargetEventSchema, event, 'ScanTarget');
    logger.appendKeys({ runId, account: target.accountId, region: target.region });
    const summary = await scanOneTarget(deps, {
      runId,
      target,
      now: new Date(),
      roleName: config.auditRoleName,
      ...(config.externalId ? { externalId: config.externalId } : {}),
      options: {
        describeConcurrency: config.describeConcurrency,
        refreshDays: config.refreshDays,
        thresholds: config.changeThresholds,
        ownerTagKey: config.ownerTagKey,
        deadlineMs: () => context.getRemainingTimeInMillis(),
      },
    });
    // The dashboard's coverage and throttling widgets query this line; it emits no custom metric.
    logger.info(RUN_LOG.targetScanned, { ...summary });
    return summary;
  });
}
