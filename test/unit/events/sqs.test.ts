import { describe, expect, it } from 'vitest';
import { parseSqsEvents } from '../../../lambdas/events/sqs';

const event = {
  id: 'e-1',
  'detail-type': 'ACM Certificate Expired',
  source: 'aws.acm',
  account: '111111111111',
  time: '2026-12-01T14:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:acm:eu-west-1:111111111111:certificate/x'],
  detail: { CommonName: 'a.example.com' },
};

describe('parseSqsEvents', () => {
  it('reads each message body as an event, keeping fields it does not check', () => {
    const events = parseSqsEvents(
      { Records: [{ messageId: 'm1', body: JSON.stringify({ ...event, version: '0' }) }] },
      () => {},
    );

    expect(events).toEqual([{ ...event, version: '0' }]);
  });

  it('drops a body that is not JSON or not an event, naming the message, and keeps the rest', () => {
    const warnings: unknown[] = [];

    const events = parseSqsEvents(
      {
        Records: [
          { messageId: 'm1', body: 'not json' },
          { messageId: 'm2', body: JSON.stringify({ ...event, account: 'abc' }) },
          { messageId: 'm3', body: JSON.stringify(event) },
        ],
      },
      (message, fields) => warnings.push({ message, ...fields }),
    );

    expect(events.map((e) => e.id)).toEqual(['e-1']);
    expect(warnings).toMatchObject([{ messageId: 'm1' }, { messageId: 'm2' }]);
  });

  it('refuses an input that is not an SQS batch, saying so', () => {
    expect(() => parseSqsEvents({ detail: {} }, () => {})).toThrow(/not an SQS batch/);
  });
});
