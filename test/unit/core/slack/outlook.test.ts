import { describe, expect, it } from 'vitest';
import type { DigestInput } from '../../../../lambdas/core/notices';
import { buildTimeline, outlookWeek } from '../../../../lambdas/core/outlook';
import { renderDigest, timelineSparkline, WORST_PLACES_CAP } from '../../../../lambdas/core/slack';
import { bigDigest, cert, target } from './fixtures';
import { expectWithinSlackLimits } from './limits';

function digest(overrides: Partial<DigestInput> = {}): DigestInput {
  return {
    runId: 'run-1',
    generatedAt: '2026-01-05T06:30:00.000Z',
    expiryDays: 30,
    targets: [target(0), target(1)],
    certificates: [
      cert(0, { daysToExpiry: 2, findings: ['EXPIRING'] }),
      cert(50, { daysToExpiry: 3, findings: ['EXPIRING', 'RENEWAL_FAILED'], renewalStatus: 'FAILED' }),
      cert(100, { daysToExpiry: 5, findings: ['EXPIRING', 'IMPORTED'], type: 'IMPORTED' }),
      cert(1, { daysToExpiry: 20, findings: ['EXPIRING'] }),
      cert(51, { daysToExpiry: 89, findings: [] }),
      cert(2, { daysToExpiry: 300, findings: [] }),
    ],
    changes: [],
    ...overrides,
  };
}

function outlookSection(input: DigestInput): string {
  const texts = renderDigest(input).blocks.flatMap((block) => (block.type === 'section' ? [block.text.text] : []));
  return texts.find((text) => text.includes('*Next 90 days*')) ?? '';
}

describe('timelineSparkline', () => {
  it('draws each week as a block as tall as its share of the busiest week, with its count', () => {
    const timeline = buildTimeline(digest().certificates);

    const line = timelineSparkline(timeline);

    expect(line.split(' ')).toHaveLength(13);
    expect(line).toBe('█3 ·0 ▃1 ·0 ·0 ·0 ·0 ·0 ·0 ·0 ·0 ·0 ▃1');
  });

  it('counts exactly the certificates of each week, for any organization', () => {
    const input = bigDigest();
    const counts = timelineSparkline(buildTimeline(input.certificates))
      .split(' ')
      .map((week) => Number(week.slice(1)));
    const expected = Array.from(
      { length: 13 },
      (_, week) => input.certificates.filter((c) => outlookWeek(c.daysToExpiry) === week).length,
    );
    expect(counts).toEqual(expected);
  });
});

describe('the digest outlook', () => {
  it('shows the one-line timeline in a code span right after coverage, with what needs a person', () => {
    const message = renderDigest(digest());
    const texts = message.blocks.flatMap((block) => (block.type === 'section' ? [block.text.text] : []));
    const index = texts.findIndex((text) => text.includes('*Next 90 days*'));

    expect(texts[0]).toContain('*Coverage*');
    expect(index).toBeGreaterThan(0);
    expect(index).toBeLessThan(texts.findIndex((text) => text.includes('*Renewal problems*')));
    const section = texts[index] ?? '';
    expect(section).toContain('_(expiries per week from 2026-01-05)_');
    expect(section).toContain('\n`█3 ·0 ▃1 ·0 ·0 ·0 ·0 ·0 ·0 ·0 ·0 ·0 ▃1`\n');
    expect(section).toContain('5 expiring · 1 in use and imported');
    expect(section).toContain('⚠ 1 with a renewal or validation problem');
  });

  it('names the worst account-regions, worst first, with the finding that makes them so', () => {
    const section = outlookSection(digest());
    const places = section.split('*Worst account-regions*\n')[1]?.split('\n') ?? [];

    expect(places[0]).toBe(
      '▲ `account-0` (100000000000) · us-east-1 — high: `EXPIRING` on 2 certificates · 2 of 2 with findings',
    );
    expect(places.slice(1)).toEqual([
      '▲ `account-0` (100000000000) · ap-southeast-2 — high: `RENEWAL_FAILED` on 1 certificate · 1 of 1 with findings',
      '▲ `account-1` (100000000001) · eu-west-1 — high: `EXPIRING` on 1 certificate · 1 of 1 with findings',
    ]);
  });

  it('caps the list and says how many more there are', () => {
    const section = outlookSection(bigDigest());
    const places = section.split('*Worst account-regions*\n')[1]?.split('\n') ?? [];

    expect(places.filter((line) => /^[◆▲●]/.test(line))).toHaveLength(WORST_PLACES_CAP);
    expect(places.at(-1)).toMatch(/^_\+\d+ more with medium or worse findings in the report_$/);
  });

  it('says so when nothing expires, and stays within every Slack limit for a large organization', () => {
    const calm = outlookSection(digest({ certificates: [cert(2, { daysToExpiry: 300, findings: [] })] }));
    expect(calm).toContain('Nothing expires within 90 days.');
    expect(calm).not.toContain('Worst account-regions');
    expectWithinSlackLimits(renderDigest(bigDigest(true)));
  });
});
