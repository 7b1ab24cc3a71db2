/**
 * The hourly heartbeat: tell on-call when no run completed in time (runHeartbeat decides and remembers), and deliver
 * any alert an earlier delivery left pending. Both go to the alerts webhook; without one there is nobody to tell
 * (the CloudWatch alarm on the RunCompleted metric still is).
 */
import { type RunHeartbeatResult, runHeartbeat } from '../alerting';
import type { AlertStore } from '../core/alerting/store';
import type { Clock, RunStore } from '../core/ports';
import type { RoutesConfig } from '../core/routing';
import type { RunLogger } from '../run/complete-run';
import { routedSender, urlsFromSecret } from '../run/routed-slack';
import { alertSender, heartbeatSender, type SlackPosterFactory, type SlackSetup } from '../wiring/slack';

export interface HeartbeatDeps {
  alerts: AlertStore;
  runs: Pick<RunStore, 'latestCompletedRun'>;
  slack: () => Promise<SlackSetup>;
  poster: SlackPosterFactory;
  clock: Clock;
  logger?: RunLogger;
}

export interface HeartbeatInput {
  periodHours: number;
  graceHours: number;
  ownerTagKey: string;
  /** Owner routing's table (destinations are Slack secret keys): pending alerts go where they were queued for. */
  routes?: RoutesConfig;
}

export type HeartbeatOutcome =
  | { kind: 'not-configured' }
  | { kind: 'secret-unreadable'; message: string }
  | { kind: 'checked'; result: RunHeartbeatResult };

export async function heartbeat(deps: HeartbeatDeps, input: HeartbeatInput): Promise<HeartbeatOutcome> {
  const slack = await deps.slack();
  if (slack.kind === 'unreadable') {
    deps.logger?.error('Slack secret unreadable: the heartbeat cannot tell anyone', { error: slack.error.message });
    return { kind: 'secret-unreadable', message: slack.error.message };
  }
  const url = slack.webhooks.alertsWebhookUrl;
  if (url === undefined) {
    deps.logger?.info('Slack alerts webhook not configured: heartbeat skipped');
    return { kind: 'not-configured' };
  }
  const poster = deps.poster(url, 'alerts');
  const result = await runHeartbeat({
    store: deps.alerts,
    runs: deps.runs,
    send: { heartbeat: heartbeatSender(poster), alert: alertSender(poster, input.ownerTagKey) },
    now: deps.clock(),
    config: { periodHours: input.periodHours, graceHours: input.graceHours },
    ...(input.routes === undefined
      ? {}
      : {
          routing: {
            defaultDestination: input.routes.default,
            send: routedSender(urlsFromSecret(input.routes)(slack), deps.poster, input.ownerTagKey),
          },
        }),
  });
  if (result.notice)
    deps.logger?.warn('heartbeat', { stage: result.notice.stage, lastCompletedAt: result.notice.lastCompletedAt });
  const failure = result.failure ?? result.alerts?.failure;
  if (failure)
    deps.logger?.error('Slack delivery failed; it stays pending', {
      broken: result.broken === true,
      error: failure.message,
    });
  return { kind: 'checked', result };
}
