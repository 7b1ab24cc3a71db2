/**
 * The Heartbeat Lambda, hourly: tells on-call when no run completed within the schedule period plus the grace
 * (once, a reminder a day, "recovered" when runs resume) and delivers alerts an earlier delivery left pending.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { type HeartbeatDeps, heartbeat } from '../pipeline/heartbeat';
import { destinationKeys } from '../run/routed-slack';
import { defaultSlackPoster, readSlackSetup } from '../wiring/slack';
import { openAlertStore, openStateStore } from '../wiring/stores';
import { loadHeartbeatConfig } from './config';
import { addHeartbeatMetrics } from './metrics';
import { createDocumentClient, createLogger, createMetrics, invocation, pipelineLogger } from './runtime';

const config = loadHeartbeatConfig(process.env);
const logger = createLogger();
const metrics = createMetrics();
const doc = createDocumentClient(config.region);
const secrets = new SecretsManagerClient({ region: config.region });

const deps: HeartbeatDeps = {
  alerts: openAlertStore(doc, config.tableName),
  // Only latestCompletedRun is read; the attention threshold does not matter here.
  runs: openStateStore(doc, {
    tableName: config.tableName,
    historyDays: config.historyDays,
  }),
  slack: () => readSlackSetup(secrets, config.slackSecretId, destinationKeys(config.routes)),
  poster: defaultSlackPoster(),
  clock: () => new Date(),
  logger: pipelineLogger(logger),
};

export interface HeartbeatSummary {
  outcome: 'not-configured' | 'secret-unreadable' | 'checked';
  /** What the heartbeat said this time (stale, reminder, recovered), if anything. */
  notice?: string;
  alertsSent: number;
  alertsPending: number;
}

export async function handler(_event: unknown, context: Context): Promise<HeartbeatSummary> {
  return invocation({ logger, metrics }, context, async () => {
    const outcome = await heartbeat(deps, {
      periodHours: config.schedulePeriodHours,
      graceHours: config.heartbeatGraceHours,
      ownerTagKey: config.ownerTagKey,
      ...(config.routes ? { routes: config.routes } : {}),
    });
    addHeartbeatMetrics(metrics, outcome);
    if (outcome.kind !== 'checked') return { outcome: outcome.kind, alertsSent: 0, alertsPending: 0 };
    const { result } = outcome;
    return {
      outcome: 'checked',
      ...(result.notice ? { notice: result.notice.stage } : {}),
      alertsSent: result.alerts?.sent.length ?? 0,
      alertsPending: result.alerts?.pending.length ?? 0,
    };
  });
}
