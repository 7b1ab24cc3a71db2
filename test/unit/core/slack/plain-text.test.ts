import { describe, expect, it } from 'vitest';
import { fitMessage, mrkdwnToPlain, renderPlainText, SLACK_LIMITS } from '../../../../lambdas/core/slack';
import { expectWithinSlackLimits } from './limits';

describe('mrkdwnToPlain', () => {
  it('turns links into label and address, drops bold and decodes entities', () => {
    expect(mrkdwnToPlain('*Certificate:* <https://x.example/a|a&amp;b> &lt;!channel&gt;')).toBe(
      'Certificate: a&b (https://x.example/a) <!channel>',
    );
  });

  it('gives the address a browser opens for a link whose query has an escaped ampersand', () => {
    expect(mrkdwnToPlain('<https://x.example/o?region=eu-west-1&amp;prefix=r.html|full report>')).toBe(
      'full report (https://x.example/o?region=eu-west-1&prefix=r.html)',
    );
  });

  it('keeps wildcard domains inside code spans and link labels as they are', () => {
    expect(mrkdwnToPlain('• `*.example.com` and <https://x|*.b.com> · owner *x*')).toBe(
      '• *.example.com and *.b.com (https://x) · owner x',
    );
  });
});

describe('renderPlainText', () => {
  it('prints a header underlined, sections, context and dividers', () => {
    const text = renderPlainText({
      text: 'fallback',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Title' } },
        { type: 'section', text: { type: 'mrkdwn', text: '_note_ one' } },
        { type: 'divider' },
        {
          type: 'context',
          elements: [
            { type: 'mrkdwn', text: 'a' },
            { type: 'mrkdwn', text: 'b' },
          ],
        },
      ],
    });

    expect(text).toBe(`Title\n=====\nnote one\n${'─'.repeat(40)}\na · b`);
  });
});

describe('fitMessage', () => {
  it('cuts every text to its limit and drops blocks beyond the budget with a note', () => {
    const long = 'x'.repeat(5_000);
    const message = fitMessage({
      text: long,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: long } },
        ...Array.from({ length: 80 }, () => ({
          type: 'section' as const,
          text: { type: 'mrkdwn' as const, text: long },
        })),
      ],
    });

    expectWithinSlackLimits(message);
    expect(message.blocks.at(-1)).toMatchObject({ type: 'context' });
    expect(renderPlainText(message)).toContain('Message shortened');
    expect(message.blocks.length).toBeLessThan(SLACK_LIMITS.blocks);
  });

  it('keeps at most 50 blocks even when each is small', () => {
    const blocks = Array.from({ length: 80 }, (_, n) => ({
      type: 'section' as const,
      text: { type: 'mrkdwn' as const, text: `${n}` },
    }));
    const message = fitMessage({ text: 't', blocks });

    expect(message.blocks).toHaveLength(SLACK_LIMITS.blocks);
    expect(message.blocks.at(-1)?.type).toBe('context');
  });
});
