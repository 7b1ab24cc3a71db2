import { describe, expect, it } from 'vitest';
import type { DigestInput } from '../../../../lambdas/core/notices';
import { renderDigest } from '../../../../lambdas/core/slack';
import { cert, change, target } from './fixtures';
import { expectSafeMarkup, expectWithinSlackLimits } from './limits';

function digest(eventPath?: DigestInput['eventPath']): DigestInput {
  return {
    runId: 'run-2',
    generatedAt: '2026-12-02T06:30:00.000Z',
    expiryDays: 30,
    targets: [target(0)],
    certificates: [cert(11, { findings: ['EXPIRING'], daysToExpiry: 9 })],
    changes: [change(20, 'RENEWED'), change(21, 'NEW'), change(22, 'REMOVED')],
    ...(eventPath ? { eventPath } : {}),
  };
}

const texts = (input: DigestInput) =>
  renderDigest(input).blocks.flatMap((block) => (block.type === 'section' ? [block.text.text] : []));

describe('the digest and the event path', () => {
  it('says how many of the changes were seen in real time, from events', () => {
    const joined = texts(digest({ changesFromEvents: 2, verdict: { status: 'ok' } })).join('\n');

    expect(joined).toContain('2 seen in real time, from events');
    expect(joined).not.toContain('event path looks broken');
  });

  it('warns under coverage when the event path looks broken, with what to check', () => {
    const message = renderDigest(
      digest({
        changesFromEvents: 0,
        verdict: {
          status: 'looks-broken',
          silentHours: 72,
          changesWithoutEvents: 3,
          message: '3 change(s) … check the forwarding StackSets <!channel>',
        },
      }),
    );
    const sections = message.blocks.flatMap((block) => (block.type === 'section' ? [block.text.text] : []));

    expect(sections[1]).toContain('⚠️ *The event path looks broken*');
    expect(sections[1]).toContain('check the forwarding StackSets');
    expectWithinSlackLimits(message);
    expectSafeMarkup(message);
  });

  it('says nothing about the event path when it is off or quiet', () => {
    const off = texts(digest()).join('\n');
    const quiet = texts(digest({ changesFromEvents: 0, verdict: { status: 'quiet' } })).join('\n');

    expect(off).not.toMatch(/event/i);
    expect(quiet).not.toMatch(/event path/i);
  });
});
