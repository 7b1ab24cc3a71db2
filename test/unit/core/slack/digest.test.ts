import { describe, expect, it } from 'vitest';
import type { DigestInput } from '../../../../lambdas/core/notices';
import { DIGEST_LIST_CAPS, renderDigest, renderPlainText } from '../../../../lambdas/core/slack';
import { bigDigest, cert, certificateId, change, target } from './fixtures';
import { allTexts, expectSafeMarkup, expectWithinSlackLimits } from './limits';

const ASSUME_ROLE_CAUSE =
  'the audit role is missing in this account (StackSet not deployed there yet), its trust policy does not name the hub, the ExternalId does not match, or a service control policy denies sts:AssumeRole';

function smallDigest(overrides: Partial<DigestInput> = {}): DigestInput {
  return {
    runId: 'run-1',
    generatedAt: '2026-01-05T06:30:00.000Z',
    expiryDays: 30,
    targets: [
      target(0),
      target(1, {
        status: 'error',
        errorCode: 'AccessDenied',
        errorMessage: 'not authorized to perform: sts:AssumeRole',
        // Written by the adapter that caught the refusal (AssumeRoleError), not guessed from the message.
        likelyCause: ASSUME_ROLE_CAUSE,
      }),
    ],
    certificates: [
      cert(10, { findings: ['NOT_IN_USE'], inUse: false, inUseBy: [], domainName: 'old.example.com' }),
      cert(11, { findings: ['EXPIRING'], daysToExpiry: 9, domainName: 'shop.example.com' }),
      cert(12, { findings: ['IMPORTED'], type: 'IMPORTED', daysToExpiry: 45, domainName: 'legacy.example.com' }),
      cert(13, {
        findings: ['RENEWAL_FAILED'],
        renewalStatus: 'FAILED',
        renewalStatusReason: 'CAA_ERROR',
        daysToExpiry: 20,
        domainName: 'api.example.com',
      }),
    ],
    changes: [change(20, 'NEW'), change(21, 'RENEWED')],
    reportLocation: '/tmp/report.html',
    ...overrides,
  };
}

function sectionTexts(input: DigestInput, opts = {}): string[] {
  return renderDigest(input, opts).blocks.flatMap((block) => (block.type === 'section' ? [block.text.text] : []));
}

describe('renderDigest', () => {
  it('stays within every Slack limit for 2,000+ findings', () => {
    const message = renderDigest(bigDigest(), { ownerTagKey: 'team' });

    expectWithinSlackLimits(message);
    expectSafeMarkup(message);
    expect(JSON.stringify(message).length).toBeLessThan(40_000);
  });

  it('stays within every limit and escapes everything for hostile tags, names and domains', () => {
    const message = renderDigest(bigDigest(true), { ownerTagKey: 'team' });

    expectWithinSlackLimits(message);
    expectSafeMarkup(message);
    const joined = allTexts(message).join('\n');
    expect(joined).toContain('&lt;!channel&gt;');
    expect(joined).toContain('&lt;@U123&gt;');
    expect(joined).toContain('&lt;!here&gt;');
  });

  it('shows coverage first, then renewal problems, in-use expiry, imported, changes and unused', () => {
    const texts = sectionTexts(smallDigest());
    const index = (needle: string) => texts.findIndex((text) => text.includes(needle));

    const order = [
      index('*Coverage*'),
      index('*Renewal problems*'),
      index('*In use: expired or expiring soonest*'),
      index('*Imported, expiring within 90 days*'),
      index('*Changes since the last run*'),
      index('*Unused certificates to clean up*'),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('names failed targets with the account name next to the id, the error code and the likely cause they carry', () => {
    const coverage = sectionTexts(smallDigest())[0] ?? '';

    expect(coverage).toContain('1 of 2 targets scanned · 1 failed');
    expect(coverage).toContain('`account-1` (100000000001) · eu-west-1');
    expect(coverage).toContain('`AccessDenied`');
    expect(coverage).toContain('the audit role is missing in this account');
  });

  it('says so loudly when nothing was scanned', () => {
    const message = renderDigest(smallDigest({ targets: [] }));

    expect(sectionTexts(smallDigest({ targets: [] }))[0]).toContain('Nothing was scanned');
    expect(message.text).toContain('nothing was scanned');
  });

  it('links each certificate to its ACM console page with the escaped domain as the label', () => {
    const texts = sectionTexts(
      smallDigest({
        certificates: [cert(13, { findings: ['EXPIRING'], daysToExpiry: 3, domainName: 'a&b.example.com' })],
      }),
    );
    const expiring = texts.find((text) => text.includes('expiring soonest')) ?? '';

    expect(expiring).toContain(
      `<https://eu-west-1.console.aws.amazon.com/acm/home?region=eu-west-1#/certificates/${certificateId(13)}|a&amp;b.example.com>`,
    );
    expect(expiring).toContain('*expires in 3 days*');
  });

  it('shows domains as code spans without links when console links are off', () => {
    const texts = sectionTexts(smallDigest(), { consoleLinks: false });

    expect(texts.join('\n')).not.toContain('console.aws.amazon.com');
    expect(texts.join('\n')).toContain('`shop.example.com`');
  });

  it('shows the owner tag when an owner tag key is given', () => {
    // As code: a tag value is set in a member account and must not format or link in the organization's channel.
    expect(sectionTexts(smallDigest(), { ownerTagKey: 'team' }).join('\n')).toMatch(/owner `team-[^`]+`/);
    expect(sectionTexts(smallDigest()).join('\n')).not.toContain('owner ');
  });

  it('lists renewal problems with the reason, and each certificate only once', () => {
    const texts = sectionTexts(smallDigest());
    const problems = texts.find((text) => text.includes('Renewal problems')) ?? '';

    expect(problems).toContain('renewal failed: `CAA_ERROR`');
    expect(texts.join('\n').split('api.example.com').length - 1).toBe(1);
  });

  it('keeps never-issued requests out of renewal problems and lists them apart with their age', () => {
    const request = { inUse: false, inUseBy: [], notAfter: undefined, daysToExpiry: undefined };
    const input = smallDigest({
      certificates: [
        cert(30, {
          ...request,
          status: 'PENDING_VALIDATION',
          findings: ['PENDING_VALIDATION', 'NOT_IN_USE'],
          createdAt: '2026-01-05T01:00:00.000Z',
          domainName: 'pending.example.com',
        }),
        cert(31, {
          ...request,
          status: 'VALIDATION_TIMED_OUT',
          findings: ['ISSUANCE_FAILED', 'NOT_IN_USE'],
          createdAt: '2025-12-20T06:00:00.000Z',
          domainName: 'timedout.example.com',
        }),
        cert(32, {
          renewalStatus: 'PENDING_VALIDATION',
          findings: ['PENDING_VALIDATION'],
          daysToExpiry: 20,
          domainName: 'renewing.example.com',
        }),
      ],
    });

    const texts = sectionTexts(input, { consoleLinks: false });
    const problems = texts.find((text) => text.includes('*Renewal problems*')) ?? '';
    const requests = texts.find((text) => text.includes('*Requests never issued*')) ?? '';

    expect(problems).toContain('renewing.example.com');
    expect(problems).not.toContain('pending.example.com');
    expect(problems).toContain('(1)');
    expect(requests).toContain('*Requests never issued* (2)');
    expect(requests).toMatch(/pending\.example\.com` — waiting for domain validation · requested 5 hours ago/);
    expect(requests).toMatch(/timedout\.example\.com` — validation timed out after 72 hours · requested 16 days ago/);
    expect(renderDigest(input).text).toContain('1 renewal problem');
    expect(JSON.stringify(renderDigest(input).blocks[1])).toContain('*1* needs attention');
  });

  it('caps each list and points to the full report for the rest', () => {
    const certificates = Array.from({ length: 30 }, (_, n) => cert(n, { findings: ['EXPIRING'], daysToExpiry: n }));
    const texts = sectionTexts(smallDigest({ certificates, reportLocation: 'https://example.com/report.html' }));
    const expiring = texts.find((text) => text.includes('expiring soonest')) ?? '';

    expect(expiring.split('\n').filter((line) => line.startsWith('• '))).toHaveLength(DIGEST_LIST_CAPS.expiringInUse);
    expect(expiring).toContain(
      `+${30 - DIGEST_LIST_CAPS.expiringInUse} more — <https://example.com/report.html|full report>`,
    );
    expect(expiring.indexOf('svc0.example.com')).toBeLessThan(expiring.indexOf('svc1.example.com'));
  });

  it('counts changes by type and lists the first new, removed and renewed ones', () => {
    const changes = [change(1, 'NEW'), change(2, 'NEW'), change(3, 'REMOVED'), change(4, 'TAGS_CHANGED')];
    const text = sectionTexts(smallDigest({ changes })).find((t) => t.includes('Changes since')) ?? '';

    expect(text).toContain('2 new · 1 removed · 1 tags changed');
    expect(text).toContain('• new: <https://');
    expect(text).toContain('• removed: `svc3.example.com`');
    expect(text).not.toContain('svc4.example.com');
  });

  it('shows a change summary as code, so tag text from a member account cannot format or link', () => {
    const changes = [{ ...change(1, 'NEW'), summary: 'owner *now* https://evil.example' }];
    const text = sectionTexts(smallDigest({ changes })).find((t) => t.includes('Changes since')) ?? '';

    expect(text).toContain('— `owner *now* https://evil.example`');
  });

  it('sums up the first run as a baseline instead of listing every certificate as new', () => {
    const texts = sectionTexts(smallDigest({ firstRun: true, changes: [change(20, 'NEW'), change(21, 'NEW')] }));
    const joined = texts.join('\n');

    expect(joined).toContain('*First run*\n4 certificate(s) recorded as the baseline');
    expect(joined).not.toContain('Changes since the last run');
  });

  it('says nothing needs attention when nothing does', () => {
    const message = renderDigest(smallDigest({ certificates: [], changes: [], targets: [target(0)] }));

    expect(message.text).toBe('Certificate digest 2026-01-05: nothing needs attention');
    expect(renderPlainText(message)).toContain('✅ No renewal problems');
  });
});
