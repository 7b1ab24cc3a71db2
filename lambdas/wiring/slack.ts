/**
 * The Slack side of a run, shared by the Lambdas and the CLI: which webhooks the secret configures, and the senders
 * the alerting use cases take (render with the core renderers, post through one paced SlackDelivery per webhook).
 * Wiring, not a use case: it only composes the Slack adapter with core renderers.
 */

import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SendAlert, SendHeartbeat } from '../alerting/deliver';
import { loadSlackWebhooks, SlackSecretError, type SlackWebhooks } from '../aws/slack-secret';
import { renderAlert, renderHeartbeat, type SlackMessage } from '../core/slack';
import { SlackDelivery, type SlackDeliveryOptions, SlackWebhookBrokenError } from '../slack';

/** Posts one rendered message to one webhook; throws SlackWebhookBrokenError or SlackDeliveryError. */
export interface SlackPoster {
  post(message: SlackMessage): Promise<unknown>;
}

export type SlackPosterFactory = (url: string, label: 'digest' | 'alerts') => SlackPoster;

export const defaultSlackPoster =
  (options: SlackDeliveryOptions = {}): SlackPosterFactory =>
  (url, label) =>
    new SlackDelivery(url, { ...options, label });

/** What the Slack secret says, or why it could not be read (reported, never thrown: the run still completes). */
export type SlackSetup =
  | { kind: 'configured'; webhooks: SlackWebhooks }
  | { kind: 'unreadable'; error: SlackSecretError };

/** `destinationKeys`: the secret keys owner routing's table names (each holds a destination's webhook URL). */
export async function readSlackSetup(
  client: SecretsManagerClient,
  secretId: string,
  destinationKeys: readonly string[] = [],
): Promise<SlackSetup> {
  try {
    return { kind: 'configured', webhooks: await loadSlackWebhooks(client, secretId, { destinationKeys }) };
  } catch (error) {
    if (error instanceof SlackSecretError) return { kind: 'unreadable', error };
    throw error;
  }
}

export function alertSender(poster: SlackPoster, ownerTagKey: string): SendAlert {
  return async (notice) => {
    await poster.post(renderAlert(notice, { ownerTagKey }));
  };
}

export function heartbeatSender(poster: SlackPoster): SendHeartbeat {
  return async (notice) => {
    await poster.post(renderHeartbeat(notice));
  };
}

/** How a post ended, for the run summary and the Slack metrics. */
export type PostOutcome = 'sent' | 'failed' | 'broken';

export function postOutcome(error: unknown): PostOutcome {
  return error instanceof SlackWebhookBrokenError ? 'broken' : 'failed';
}
