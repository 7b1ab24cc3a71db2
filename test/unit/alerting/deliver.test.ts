import { describe, expect, it } from 'vitest';
import { isWebhookBrokenError } from '../../../lambdas/alerting';

describe('isWebhookBrokenError', () => {
  it('recognises the broken-webhook error by its name or its class name', () => {
    class SlackWebhookBrokenError extends Error {}
    const named = Object.assign(new Error('404 no_service'), { name: 'SlackWebhookBrokenError' });

    expect(isWebhookBrokenError(new SlackWebhookBrokenError('410 channel_is_archived'))).toBe(true);
    expect(isWebhookBrokenError(named)).toBe(true);
    expect(isWebhookBrokenError({ webhookBroken: true })).toBe(true);
  });

  it('treats exhausted retries and anything else as a passing failure', () => {
    class SlackDeliveryError extends Error {}

    expect(isWebhookBrokenError(new SlackDeliveryError('503 after 3 attempts'))).toBe(false);
    expect(isWebhookBrokenError(new Error('socket hang up'))).toBe(false);
    expect(isWebhookBrokenError('SlackWebhookBrokenError')).toBe(false);
    expect(isWebhookBrokenError(undefined)).toBe(false);
  });
});
