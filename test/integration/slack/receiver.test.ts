import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';

let receiver: SlackReceiver;

async function post(path: string, body: unknown) {
  const response = await fetch(`${receiver.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text(), retryAfter: response.headers.get('retry-after') };
}

beforeEach(async () => {
  receiver = await startSlackReceiver();
});

afterEach(async () => {
  await receiver.close();
});

describe('startSlackReceiver', () => {
  it('listens on loopback and records posts per path', async () => {
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    expect(await post('/digest', { text: 'd' })).toMatchObject({ status: 200, text: 'ok' });
    await post('/alerts', { text: 'a' });

    expect(receiver.posts('/digest').map((p) => p.body)).toEqual([{ text: 'd' }]);
    expect(receiver.posts(`${receiver.url}/alerts`).map((p) => p.body)).toEqual([{ text: 'a' }]);
    expect(receiver.posts()).toHaveLength(2);
    expect(Date.parse(receiver.posts()[0]?.at ?? '')).not.toBeNaN();
  });

  it('answers programmed responses in order, then 200', async () => {
    receiver.respondWith('alerts', [{ status: 429, retryAfter: 3 }, { status: 500 }]);

    expect(await post('/alerts', { text: 'x' })).toEqual({ status: 429, text: 'rate_limited', retryAfter: '3' });
    expect(await post('/alerts', { text: 'x' })).toMatchObject({ status: 500 });
    expect(await post('/alerts', { text: 'x' })).toMatchObject({ status: 200 });
    expect(await post('/digest', { text: 'x' })).toMatchObject({ status: 200 });
  });

  it('keeps a broken webhook broken until repaired or cleared', async () => {
    receiver.breakWebhook('/alerts', 404, 'no_service');

    expect(await post('/alerts', { text: 'x' })).toMatchObject({ status: 404, text: 'no_service' });
    expect(await post('/alerts', { text: 'x' })).toMatchObject({ status: 404 });
    receiver.repairWebhook('/alerts');
    expect(await post('/alerts', { text: 'x' })).toMatchObject({ status: 200 });
    receiver.breakWebhook('/alerts', 410, 'channel_is_archived');
    receiver.clear();
    expect(receiver.posts()).toEqual([]);
    expect(await post('/alerts', { text: 'x' })).toMatchObject({ status: 200 });
  });

  it('refuses what Slack refuses: no text, not JSON, too many blocks, long headers', async () => {
    const tooMany = { text: 't', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) };
    const longHeader = { text: 't', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] };

    expect(await post('/d', {})).toMatchObject({ status: 400, text: 'no_text' });
    expect(await post('/d', 'not json')).toMatchObject({ status: 400, text: 'invalid_payload' });
    expect(await post('/d', tooMany)).toMatchObject({ status: 400, text: 'invalid_blocks' });
    expect(await post('/d', longHeader)).toMatchObject({ status: 400, text: 'invalid_blocks' });
    expect(receiver.posts('/d').map((p) => p.status)).toEqual([400, 400, 400, 400]);
  });
});
