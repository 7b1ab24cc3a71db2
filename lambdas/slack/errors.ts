/**
 * Why a Slack post failed, as typed errors. Neither ever carries the webhook URL (it is a credential): only its
 * masked form.
 */

/** What Slack's error text usually means and what to do about it. */
const BROKEN_HINTS: Record<string, string> = {
  no_service: 'the webhook was removed or its app uninstalled',
  invalid_token: 'the webhook was revoked',
  channel_is_archived: 'its channel was archived',
  channel_not_found: 'its channel was deleted',
  action_prohibited: 'a workspace admin restricted posting to its channel',
  posting_to_general_channel_denied: 'only admins may post to its channel',
  team_disabled: 'the Slack workspace was disabled',
  invalid_url: 'the stored address is not a web address',
  invalid_payload: 'Slack refused the message itself',
  invalid_blocks: 'Slack refused the message blocks',
  no_text: 'Slack refused a message without text',
};

function webhookName(name: string | undefined): string {
  return name === undefined ? 'Slack webhook' : `Slack ${name} webhook`;
}

/**
 * The webhook itself is unusable (revoked, removed, archived channel, refused message): retrying cannot help.
 * Alert on it through another channel and fix the webhook or the secret.
 */
export class SlackWebhookBrokenError extends Error {
  override readonly name = 'SlackWebhookBrokenError';
  readonly retryable = false;

  constructor(
    /** HTTP status Slack answered with (0 when no request could be made). */
    readonly status: number,
    /** Slack's error text, e.g. `no_service`, `invalid_token`, `channel_is_archived`. */
    readonly slackError: string,
    /** The webhook address with its secret part masked. */
    readonly webhook: string,
    webhookLabel?: string,
  ) {
    const hint = BROKEN_HINTS[slackError];
    const why = hint === undefined ? '' : `: ${hint}`;
    const fix = /^invalid_(payload|blocks)$|^no_text$/.test(slackError)
      ? 'The message did not fit what Slack accepts; the webhook itself may be fine.'
      : 'Create a new incoming webhook and store its URL in the Slack secret.';
    super(`${webhookName(webhookLabel)} (${webhook}) is broken: HTTP ${status} ${slackError}${why}. ${fix}`);
  }
}

/** Slack did not take the message after every attempt (rate limited, 5xx, network): keep it and try later. */
export class SlackDeliveryError extends Error {
  override readonly name = 'SlackDeliveryError';
  readonly retryable = true;

  constructor(
    readonly attempts: number,
    /** HTTP status of the last attempt; undefined when it got no answer. */
    readonly lastStatus: number | undefined,
    /** Slack's error text or the network error code of the last attempt. */
    readonly lastError: string,
    readonly webhook: string,
    webhookLabel?: string,
  ) {
    const last = lastStatus === undefined ? lastError : `HTTP ${lastStatus} ${lastError}`;
    super(
      `${webhookName(webhookLabel)} (${webhook}) did not take the message after ${attempts} attempt${attempts === 1 ? '' : 's'} (last: ${last}); it stays pending for the next try.`,
    );
  }
}

/** The webhook address with everything after the host masked (the path is the credential). */
export function maskWebhookUrl(url: string): string {
  try {
    const { protocol, host } = new URL(url);
    return `${protocol}//${host}/***`;
  } catch {
    return '***';
  }
}
