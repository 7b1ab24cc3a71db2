/**
 * The ListTargets Lambda: the run's first state. Lists the accounts to scan, writes the work list to the work
 * bucket and returns where it is (the Distributed Map reads it from there, one child per account).
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { createOrganizationsClient, createStsClient } from '../aws/clients';
import { roleArnCredentials } from '../aws/credentials';
import { DynamoEventStore } from '../aws/event-store';
import { cleanTargetsToSkip } from '../core/events/skip';
import { routingNeeds } from '../core/routing/config';
import { parseEvent, type RunListing, StartRunEventSchema } from '../pipeline/contracts';
import { type StartRunDeps, startRun } from '../pipeline/start-run';
import { openStateStore } from '../wiring/stores';
import { loadListTargetsConfig } from './config';
import { createDocumentClient, createLogger, invocation, pipelineLogger } from './runtime';

const config = loadListTargetsConfig(process.env);
const logger = createLogger();
const clientConfig = { region: config.region };
const sts = createStsClient(clientConfig);
const hubOrganizations = createOrganizationsClient(clientConfig);

const doc = createDocumentClient(config.region);
const store = openStateStore(doc, {
  tableName: config.tableName,
  historyDays: config.historyDays,
});
const eventRegions = config.eventRegions ? new Set(config.eventRegions) : undefined;
const events = new DynamoEventStore(doc, config.tableName);

const deps: StartRunDeps = {
  s3: new S3Client(clientConfig),
  store,
  logger: pipelineLogger(logger),
  ...(eventRegions
    ? {
        cleanTargets: async (now: Date) =>
          cleanTargetsToSkip(await store.listTargetMetas(), await events.loadDirtyMarks(), {
            now,
            forwarded: (target) => eventRegions.has(target.region),
          }),
      }
    : {}),
  organizations: (runId) => {
    const roleArn = config.organizationRoleArn;
    if (roleArn === undefined) return { client: hubOrganizations, close: () => {} };
    const client = createOrganizationsClient({
      ...clientConfig,
      credentials: roleArnCredentials({ sts, roleArn, runId }),
    });
    return { client, close: () => client.destroy() };
  },
};

export async function handler(event: unknown, context: Context): Promise<RunListing> {
  return invocation({ logger }, context, async () => {
    const { runId, startedAt } = parseEvent(StartRunEventSchema, event, 'ListTargets');
    logger.appendKeys({ runId });
    const result = await startRun(deps, {
      runId,
      startedAt,
      bucket: config.workBucket,
      accounts: config.accounts,
      exclude: config.excludedAccounts,
      ...(config.routes ? { routing: routingNeeds(config.routes) } : {}),
    });
    logger.info('work list written', {
      accounts: result.accounts.length,
      inactiveAccounts: result.inactiveAccounts.length,
      key: result.listing.key,
    });
    return result.listing;
  });
}
