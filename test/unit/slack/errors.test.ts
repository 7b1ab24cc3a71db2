import { describe, expect, it } from 'vitest';
import { maskWebhookUrl, parseRetryAfter, SlackDeliveryError, SlackWebhookBrokenError } from '../../../lambdas/slack';

describe('maskWebhookUrl', () => {
  it('keeps the host and hides the path, which is the credential', () => {
    expect(maskWebhookUrl('https://hooks.slack.com/services/T000/B000/XXXXXXXX')).toBe('https://hooks.slack.com/***');
  });

  it('hides an unparseable address completely', () => {
    expect(maskWebhookUrl('hooks.slack.com/services/T000/B000/XXXXXXXX')).toBe('***');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds', () => {
    expect(parseRetryAfter('7')).toBe(7_000);
    expect(parseRetryAfter('0')).toBe(0);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2026-01-05T06:00:00Z');
    expect(parseRetryAfter('Mon, 05 Jan 2026 06:00:30 GMT', now)).toBe(30_000);
  });

  it('ignores a missing, negative or unreadable value', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('-3')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('Slack delivery errors', () => {
  it('says what a broken webhook means and how to fix it', () => {
    const error = new SlackWebhookBrokenError(410, 'channel_is_archived', 'https://hooks.slack.com/***', 'alerts');

    expect(error.name).toBe('SlackWebhookBrokenError');
    expect(error.message).toBe(
      'Slack alerts webhook (https://hooks.slack.com/***) is broken: HTTP 410 channel_is_archived: its channel was archived. Create a new incoming webhook and store its URL in the Slack secret.',
    );
    expect(error.retryable).toBe(false);
  });

  it('blames the message, not the webhook, when Slack refuses its blocks', () => {
    const error = new SlackWebhookBrokenError(400, 'invalid_blocks', 'https://hooks.slack.com/***');

    expect(error.message).toContain('the webhook itself may be fine');
  });

  it('says a message that could not be delivered stays pending', () => {
    const error = new SlackDeliveryError(4, undefined, 'ECONNRESET', 'https://hooks.slack.com/***', 'digest');

    expect(error.message).toBe(
      'Slack digest webhook (https://hooks.slack.com/***) did not take the message after 4 attempts (last: ECONNRESET); it stays pending for the next try.',
    );
    expect(error.retryable).toBe(true);
  });
});
