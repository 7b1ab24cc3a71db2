import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consoleUrl,
  cutPlainText,
  cutSlackText,
  escapeSlack,
  inline,
  moreLine,
  truncateList,
  unescapeSlack,
} from '../../../../lambdas/core/slack';
import { accountLabel } from '../../../../lambdas/core/slack/text';

describe('escapeSlack', () => {
  it('escapes &, < and > so mentions and channel pings show as text', () => {
    expect(escapeSlack('<!channel> & <@U123> <!here|here>')).toBe(
      '&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;!here|here&gt;',
    );
  });

  it('escapes an ampersand that already looks like an entity, so it reads back unchanged', () => {
    expect(escapeSlack('&lt;')).toBe('&amp;lt;');
    expect(unescapeSlack(escapeSlack('a &lt; <b> & c'))).toBe('a &lt; <b> & c');
  });
});

describe('cutSlackText', () => {
  it('returns text within the limit unchanged', () => {
    expect(cutSlackText('short', 5)).toBe('short');
  });

  it('adds an ellipsis and stays within the limit', () => {
    const cut = cutSlackText('abcdefghij', 6);
    expect(cut).toBe('abcde…');
  });

  it('never cuts inside an escape entity', () => {
    const escaped = escapeSlack('ab&&&&');
    for (let max = 3; max < escaped.length; max++) {
      const cut = cutSlackText(escaped, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut).toMatch(/^ab(&amp;)*…$/);
    }
  });

  it('never cuts inside a link: the link goes whole or not at all', () => {
    const text = 'see <https://example.com/x|the label> now';
    expect(cutSlackText(text, 20)).toBe('see…');
    expect(cutSlackText(text, text.length - 2)).toBe('see <https://example.com/x|the label>…');
  });

  it('never leaves a code span open', () => {
    expect(cutSlackText('name `*.example.com` end', 12)).toBe('name…');
  });

  it('never splits a surrogate pair', () => {
    const cut = cutSlackText('ab🔴🔴🔴', 5);
    expect(cut).toBe('ab🔴…');
    expect(cutPlainText('ab🔴🔴🔴', 4)).toBe('ab…');
  });

  it('keeps whole entities and links for any escaped input and limit', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 1, max: 220 }), (raw, max) => {
        const cut = cutSlackText(escapeSlack(raw), max);
        expect(cut.length).toBeLessThanOrEqual(max);
        expect(cut).not.toMatch(/&(?!amp;|lt;|gt;)/);
        expect(cut).not.toMatch(/[<>]/);
      }),
    );
  });
});

describe('inline', () => {
  it('turns line breaks and control characters from a tag into spaces', () => {
    expect(inline('team\n<!channel>\u0007x', 100)).toBe('team &lt;!channel&gt; x');
  });
});

describe('truncateList and moreLine', () => {
  it('keeps the first items and counts the rest', () => {
    expect(truncateList([1, 2, 3, 4, 5], 2)).toEqual({ shown: [1, 2], more: 3 });
    expect(truncateList([1], 5)).toEqual({ shown: [1], more: 0 });
  });

  it('points to the full report, as a link when it is a web address', () => {
    expect(moreLine(1234, 'https://example.com/r.html')).toBe('+1,234 more — <https://example.com/r.html|full report>');
    expect(moreLine(2, '/tmp/report <x>.html')).toBe('+2 more — full report: /tmp/report &lt;x&gt;.html');
    expect(moreLine(2)).toBe('+2 more (see the full report)');
    expect(moreLine(3, 'https://eu-west-1.console.aws.amazon.com/s3/object/b?region=eu-west-1&prefix=r.html')).toBe(
      '+3 more — <https://eu-west-1.console.aws.amazon.com/s3/object/b?region=eu-west-1&amp;prefix=r.html|full report>',
    );
  });
});

describe('consoleUrl', () => {
  it('builds the ACM console address of a certificate', () => {
    expect(
      consoleUrl('arn:aws:acm:eu-west-1:123456789012:certificate/0b0c2f50-1111-4222-8333-444455556666', 'eu-west-1'),
    ).toBe(
      'https://eu-west-1.console.aws.amazon.com/acm/home?region=eu-west-1#/certificates/0b0c2f50-1111-4222-8333-444455556666',
    );
  });

  it('links to the console of the partition in GovCloud and China', () => {
    expect(consoleUrl('arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/abc-1', 'us-gov-west-1')).toBe(
      'https://console.amazonaws-us-gov.com/acm/home?region=us-gov-west-1#/certificates/abc-1',
    );
    expect(consoleUrl('arn:aws-cn:acm:cn-north-1:123456789012:certificate/abc-1', 'cn-north-1')).toBe(
      'https://console.amazonaws.cn/acm/home?region=cn-north-1#/certificates/abc-1',
    );
  });

  it('refuses ARNs and regions that could break out of a link', () => {
    expect(consoleUrl('arn:aws:acm:eu-west-1:1:certificate/abc|<!channel>', 'eu-west-1')).toBeUndefined();
    expect(consoleUrl('arn:aws:acm:eu-west-1:1:certificate/abc', 'eu-west-1>|x')).toBeUndefined();
  });
});

describe('accountLabel', () => {
  it('shows an account name, which a member account sets itself, as code so it can neither format nor link', () => {
    const label = accountLabel('100000000001', '*prod* <!here>');

    expect(label).toBe('`*prod* &lt;!here&gt;` (100000000001)');
  });

  it('shows the id alone when there is no name, or only white space', () => {
    expect(accountLabel('100000000001')).toBe('100000000001');
    expect(accountLabel('100000000001', '  ')).toBe('100000000001');
  });
});
