import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderDigest, type SlackMessage } from '../../../lambdas/core/slack';
import { postToWebhook, SlackDelivery, SlackDeliveryError, SlackWebhookBrokenError } from '../../../lambdas/slack';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';
import { bigDigest } from '../../unit/core/slack/fixtures';

const SECRET_PATH = '/services/T0001/B0001/s3cr3tT0k3n';
const message: SlackMessage = {
  text: 'fallback',
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }],
};

let receiver: SlackReceiver;
let url: string;

/** A sleep that records what it was asked to wait and returns at once. */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the post to fail');
}

beforeAll(async () => {
  receiver = await startSlackReceiver();
  url = `${receiver.url}${SECRET_PATH}`;
});

afterAll(async () => {
  await receiver.close();
});

beforeEach(() => {
  receiver.clear();
});

describe('postToWebhook', () => {
  it('delivers on 200 with one attempt and posts the text and blocks', async () => {
    const result = await postToWebhook(url, message);

    expect(result).toEqual({ attempts: 1, waitedMs: 0 });
    const posts = receiver.posts(SECRET_PATH);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toEqual({
      text: 'fallback',
      blocks: message.blocks,
      unfurl_links: false,
      unfurl_media: false,
    });
    expect(posts[0]?.status).toBe(200);
  });

  it('waits the Retry-After of a 429 and retries', async () => {
    receiver.respondWith(SECRET_PATH, [{ status: 429, retryAfter: 7 }]);
    const { waits, sleep } = recordingSleep();

    const result = await postToWebhook(url, message, { sleep });

    expect(waits).toEqual([7_000]);
    expect(result).toEqual({ attempts: 2, waitedMs: 7_000 });
    expect(receiver.posts(SECRET_PATH).map((post) => post.status)).toEqual([429, 200]);
  });

  it('caps a long Retry-After', async () => {
    receiver.respondWith(SECRET_PATH, [{ status: 429, retryAfter: 600 }]);
    const { waits, sleep } = recordingSleep();

    await postToWebhook(url, message, { sleep, maxRetryAfterMs: 20_000 });

    expect(waits).toEqual([20_000]);
  });

  it('retries 5xx answers with growing backoff until Slack takes the message', async () => {
    receiver.respondWith(SECRET_PATH, [{ status: 500 }, { status: 503 }]);
    const { waits, sleep } = recordingSleep();

    const result = await postToWebhook(url, message, { sleep, backoffMs: 100 });

    expect(waits).toEqual([100, 200]);
    expect(result.attempts).toBe(3);
    expect(receiver.posts(SECRET_PATH).map((post) => post.status)).toEqual([500, 503, 200]);
  });

  it('gives up after the last attempt with a retryable SlackDeliveryError', async () => {
    receiver.respondWith(SECRET_PATH, [{ status: 500 }, { status: 502 }, { status: 429 }]);
    const { waits, sleep } = recordingSleep();

    const error = await failureOf(
      postToWebhook(url, message, { sleep, maxAttempts: 3, backoffMs: 10, label: 'alerts' }),
    );

    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(error).toMatchObject({ attempts: 3, lastStatus: 429, lastError: 'rate_limited', retryable: true });
    expect(error.message).toContain('Slack alerts webhook');
    expect(waits).toEqual([10, 20]);
    expect(receiver.posts(SECRET_PATH)).toHaveLength(3);
  });

  it.each([
    [404, 'no_service'],
    [410, 'channel_is_archived'],
    [403, 'invalid_token'],
  ])('treats %i %s as a broken webhook without retrying', async (status, slackError) => {
    receiver.breakWebhook(SECRET_PATH, status, slackError);
    const { waits, sleep } = recordingSleep();

    const error = await failureOf(postToWebhook(url, message, { sleep }));

    expect(error).toBeInstanceOf(SlackWebhookBrokenError);
    expect(error).toMatchObject({ status, slackError, retryable: false });
    expect(error.message).toContain(slackError);
    expect(waits).toEqual([]);
    expect(receiver.posts(SECRET_PATH)).toHaveLength(1);
  });

  it('never puts the webhook URL or its path in an error', async () => {
    receiver.breakWebhook(SECRET_PATH, 404, `no_service ${url}`);
    const broken = await failureOf(postToWebhook(url, message));
    receiver.repairWebhook(SECRET_PATH);
    receiver.respondWith(SECRET_PATH, [{ status: 500, body: `internal_error at ${SECRET_PATH}` }]);
    const exhausted = await failureOf(postToWebhook(url, message, { maxAttempts: 1 }));

    for (const error of [broken, exhausted]) {
      const everything = `${error.message} ${JSON.stringify(error)} ${error.stack ?? ''}`;
      expect(everything).not.toContain('s3cr3tT0k3n');
      expect(everything).not.toContain('B0001');
      expect(everything).toContain(`${receiver.url}/***`);
    }
  });

  it('retries a post that timed out', async () => {
    receiver.respondWith(SECRET_PATH, [{ status: 200, delayMs: 2_000 }]);
    const { waits, sleep } = recordingSleep();

    const result = await postToWebhook(url, message, { sleep, timeoutMs: 100, backoffMs: 5 });

    expect(result.attempts).toBe(2);
    expect(waits).toEqual([5]);
  });

  it('reports an unreachable webhook as retryable with the network error code', async () => {
    const gone = await startSlackReceiver();
    await gone.close();

    const error = await failureOf(
      postToWebhook(`${gone.url}${SECRET_PATH}`, message, { maxAttempts: 2, sleep: async () => {} }),
    );

    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(error).toMatchObject({ attempts: 2, lastError: 'ECONNREFUSED' });
    expect(error.message).not.toContain('s3cr3tT0k3n');
  });

  it('refuses an address that is not a web address as broken, without echoing it', async () => {
    const error = await failureOf(postToWebhook('hooks.slack.com/services/T/B/secretvalue', message));

    expect(error).toBeInstanceOf(SlackWebhookBrokenError);
    expect(error).toMatchObject({ status: 0, slackError: 'invalid_url' });
    expect(error.message).not.toContain('secretvalue');
  });

  it('refuses a plain http address off this machine as broken, before sending anything', async () => {
    const error = await failureOf(postToWebhook('http://hooks.slack.com/services/T/B/secretvalue', message));

    expect(error).toBeInstanceOf(SlackWebhookBrokenError);
    expect(error).toMatchObject({ status: 0, slackError: 'invalid_url' });
    expect(error.message).not.toContain('secretvalue');
  });

  it('posts a 2,000-finding digest that Slack accepts', async () => {
    const result = await postToWebhook(url, renderDigest(bigDigest(true), { ownerTagKey: 'team' }));

    expect(result.attempts).toBe(1);
    expect(receiver.posts(SECRET_PATH)[0]?.status).toBe(200);
  });

  it('is told by Slack when a message breaks its limits', async () => {
    const tooBig: SlackMessage = {
      text: 'x',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3_001) } }],
    };

    const error = await failureOf(postToWebhook(url, tooBig));

    expect(error).toMatchObject({ status: 400, slackError: 'invalid_blocks' });
  });
});

describe('SlackDelivery', () => {
  it('spaces posts to one webhook at least the minimum interval apart', async () => {
    let clock = 10_000;
    const waits: number[] = [];
    const delivery = new SlackDelivery(url, {
      clock: () => new Date(clock),
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      minIntervalMs: 1_000,
    });

    await Promise.all([delivery.post(message), delivery.post(message)]);
    clock += 5_000;
    await delivery.post(message);

    expect(waits).toEqual([1_000]);
    expect(receiver.posts(SECRET_PATH)).toHaveLength(3);
    expect(delivery.webhook).toBe(`${receiver.url}/***`);
  });

  it('keeps posting after one post failed', async () => {
    receiver.respondWith(SECRET_PATH, [{ status: 410, body: 'channel_is_archived' }]);
    const delivery = new SlackDelivery(url, { minIntervalMs: 0 });

    const first = delivery.post(message);
    const second = delivery.post(message);

    await expect(first).rejects.toBeInstanceOf(SlackWebhookBrokenError);
    await expect(second).resolves.toEqual({ attempts: 1, waitedMs: 0 });
  });
});
