import { describe, expect, it } from 'vitest';
import type { CtIssuanceEntry } from '../../../../lambdas/core/ct';
import type { AlertNotice } from '../../../../lambdas/core/notices';
import { renderAlert } from '../../../../lambdas/core/slack';
import { ctDigestBlocks } from '../../../../lambdas/core/slack/ct';
import { allTexts, expectSafeMarkup, expectWithinSlackLimits } from './limits';

function entry(overrides: Partial<CtIssuanceEntry> = {}): CtIssuanceEntry {
  return {
    id: '1000007',
    dnsNames: ['forgotten.example.com'],
    issuer: "C=US, O=Let's Encrypt, CN=R11",
    notBefore: '2026-12-01T00:00:00.000Z',
    notAfter: '2027-03-01T00:00:00.000Z',
    serial: '04:A1:B2',
    certSha256: 'ab'.repeat(32),
    matchedDomain: 'example.com',
    status: 'unknown',
    ...overrides,
  };
}

function notice(ct: CtIssuanceEntry): AlertNotice {
  return {
    id: `CT_UNKNOWN_ISSUANCE#${ct.id}#opened`,
    stage: 'opened',
    openedAt: '2026-12-01T12:00:00.000Z',
    incident: { key: `CT_UNKNOWN_ISSUANCE#${ct.id}`, kind: 'CT_UNKNOWN_ISSUANCE', accountId: '', region: '', ct },
  };
}

describe('renderAlert of a CT issuance', () => {
  it('names the certificate, its issuer, the watched domain, the crt.sh link and what to do', () => {
    // Act
    const message = renderAlert(notice(entry()));
    const text = allTexts(message).join('\n');
    // Assess
    expectWithinSlackLimits(message);
    expectSafeMarkup(message);
    expect(message.text).toContain('forgotten.example.com');
    expect(text).toContain('*Watched domain:* `example.com`');
    expect(text).toContain("Let's Encrypt");
    expect(text).toContain(`https://crt.sh/?sha256=${'ab'.repeat(32)}`);
    expect(text).toContain('allow list');
  });

  it('says an Amazon certificate outside the organization is another AWS account’s', () => {
    const text = allTexts(renderAlert(notice(entry({ status: 'amazon-outside-organization' })))).join('\n');
    expect(text).toContain(
      'Issued by Amazon, but not in any account of this organization: another AWS account holds it.',
    );
  });

  it('says why it reached the channel with owner routing, and whom it was meant for when it fell back', () => {
    const routed = { ...notice(entry()), destination: 'platform', route: { destination: 'platform', rule: 'default' } };
    const text = allTexts(renderAlert(routed, { fallbackFrom: 'security' })).join('\n');
    expect(text).toContain('no owner');
    expect(text).toContain('Meant for *security*');
    expect(allTexts(renderAlert(notice(entry()))).join('\n')).not.toMatch(/no owner|Meant for/);
  });

  it('keeps a certificate with hundreds of names within Slack’s limits', () => {
    const names = Array.from({ length: 300 }, (_, i) => `host-${i}.example.com`);
    expectWithinSlackLimits(renderAlert(notice(entry({ dnsNames: names }))));
  });
});

describe('ctDigestBlocks', () => {
  it('lists the watched domains and the issuances still unknown, not the known or allowed ones', () => {
    // Act
    const text = allTexts({
      text: '',
      blocks: ctDigestBlocks({
        domains: ['example.com', 'example.org'],
        issuances: [
          entry(),
          entry({ id: '2', dnsNames: ['www.example.com'], status: 'known' }),
          entry({ id: '3', dnsNames: ['a.cdn.example.com'], status: 'allowed' }),
        ],
      }),
    }).join('\n');
    // Assess
    expect(text).toContain('`example.com`, `example.org`');
    expect(text).toContain('1 issued outside the organization');
    expect(text).toContain('forgotten.example.com');
    expect(text).not.toContain('www.example.com');
    expect(text).not.toContain('a.cdn.example.com');
  });

  it('says so when nothing was issued outside the organization', () => {
    const text = allTexts({ text: '', blocks: ctDigestBlocks({ domains: ['example.com'], issuances: [] }) }).join('\n');
    expect(text).toContain('No certificate issued outside the organization.');
  });
});
