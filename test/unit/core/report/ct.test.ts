import { describe, expect, it } from 'vitest';
import { parseReport, type Report, renderHtml, renderTable } from '../../../../lambdas/core/report';
import { REPORT_SECTIONS } from '../../../../lambdas/core/report/sections';
import { sampleReport } from './sample';

function withCt(report: Report): Report {
  return {
    ...report,
    ct: {
      domains: ['example.com'],
      issuances: [
        {
          id: '1000002',
          dnsNames: ['<b>evil</b>.example.com'],
          issuer: "C=US, O=Let's Encrypt, CN=R11",
          notBefore: '2026-12-01T00:00:00.000Z',
          notAfter: '2027-03-01T00:00:00.000Z',
          serial: '04:A1',
          certSha256: 'cd'.repeat(32),
          matchedDomain: 'example.com',
          status: 'unknown',
        },
        {
          id: '1000001',
          dnsNames: ['www.example.com'],
          issuer: 'C=US, O=Amazon, CN=Amazon RSA 2048 M02',
          notBefore: '2026-11-01T00:00:00.000Z',
          notAfter: '2027-05-18T00:00:00.000Z',
          serial: '0A:1B',
          certSha256: 'ab'.repeat(32),
          matchedDomain: 'example.com',
          status: 'known',
          matchedArn: 'arn:aws:acm:us-east-1:111111111111:certificate/web',
        },
      ],
    },
  };
}

describe('the report’s CT part', () => {
  it('reads back as written: the JSON contract round-trips through the schema', () => {
    const report = withCt(sampleReport());
    expect(parseReport(JSON.stringify(report)).ct).toEqual(report.ct);
  });

  it('refuses a status outside the contract', () => {
    const report = withCt(sampleReport()) as unknown as { ct: { issuances: Array<{ status: string }> } };
    (report.ct.issuances[0] as { status: string }).status = 'suspicious';
    expect(() => parseReport(JSON.stringify(report))).toThrow(/ct\.issuances\[0\]\.status/);
  });

  it('shows a CT table in the HTML report, names escaped, with the crt.sh link', () => {
    const html = renderHtml(withCt(sampleReport()));
    expect(html).toContain('<section class="extra" id="ct"');
    expect(html).toContain('<table id="ct-table">');
    expect(html).toContain('1 issued outside the organization, 2 in all');
    expect(html).toContain('&lt;b&gt;evil&lt;/b&gt;.example.com');
    expect(html).toContain(`https://crt.sh/?sha256=${'cd'.repeat(32)}`);
  });

  it('is a section of the page after the endpoints, its ACM-held rows filtered by the account × region grid', () => {
    expect(REPORT_SECTIONS.map((section) => section.id)).toEqual(['endpoints', 'ct']);
    const html = renderHtml(withCt(sampleReport()));
    const rows =
      html
        .slice(html.indexOf('<table id="ct-table">'))
        .split('</table>')[0]
        ?.match(/<tr[ >][^\n]*/g) ?? [];
    const known = rows.find((row) => row.includes('www.example.com'));
    const unknown = rows.find((row) => row.includes('evil'));
    expect(known).toContain('data-target="111111111111#us-east-1"');
    expect(unknown).toContain('class="failed"');
    expect(unknown).not.toContain('data-target');
  });

  it('lists the issuances outside the organization under the table in the terminal', () => {
    const text = renderTable(withCt(sampleReport()));
    expect(text).toContain(
      'Certificate Transparency (watching example.com): 1 issued outside the organization, 2 in all',
    );
    expect(text).not.toContain('www.example.com by');
  });

  it('shows no CT part when the run did not watch CT', () => {
    expect(renderHtml(sampleReport())).not.toContain('id="ct"');
  });
});
