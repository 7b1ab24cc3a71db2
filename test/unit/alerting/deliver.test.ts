import { describe, expect, it } from 'vitest';
import { isWebhookBrokenError } from '../../../lambdas/alerting';
import { SlackDeliveryError, SlackWebhookBrokenError } from '../../../lambdas/slack';

const WEBHOOK = 'https://hooks.slack.com/services/T/B/…';

describe('isWebhookBrokenError', () => {
  it('recognises the error the Slack delivery throws for a revoked or deleted webhook', () => {
    expect(isWebhookBrokenError(new SlackWebhookBrokenError(410, 'channel_is_archived', WEBHOOK))).toBe(true);
  });

  it('treats exhausted retries and anything else as a passing failure', () => {
    const named = Object.assign(new Error('404 no_service'), { name: 'SlackWebhookBrokenError' });

    expect(isWebhookBrokenError(new SlackDeliveryError(3, 503, 'HTTP 503', WEBHOOK))).toBe(false);
    expect(isWebhookBrokenError(new Error('socket hang up'))).toBe(false);
    expect(isWebhookBrokenError(named)).toBe(false);
    expect(isWebhookBrokenError(undefined)).toBe(false);
  });
});
