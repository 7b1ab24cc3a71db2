import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderCsv, renderHtml, renderTable } from '../../../../lambdas/core/report';
import { arnOf, certificate } from '../certificate-fixture';
import { sampleReport, target } from './sample';

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) back into rows, to check what a spreadsheet sees. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += char;
  }
  return rows;
}

const hostile = certificate({
  arn: arnOf(66),
  domainName: '<script>alert("pwned")</script>.example.com',
  subjectAlternativeNames: ['<img src=x onerror=alert(1)>'],
  accountName: '"><svg onload=alert(2)>',
  tags: { owner: "</td><script>alert('tag')</script>", '<b>key</b>': 'v&1' },
  renewalStatusReason: '=HYPERLINK("http://evil.example","click")',
});

describe('renderTable', () => {
  it('shows one row per certificate, most urgent first, then the summary and the failed targets', () => {
    const text = renderTable(sampleReport());
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^DOMAIN\s+ACCOUNT\s+REGION\s+TYPE\s+STATUS\s+DAYS\s+IN USE\s+FINDINGS$/);
    expect(lines[1]).toMatch(
      /^api\.example\.com\s+111111111111 prod\s+eu-west-1\s+AMAZON_ISSUED\s+ISSUED\s+5\s+yes\s+EXPIRING,RENEWAL_FAILED$/,
    );
    expect(lines[2]).toMatch(/^legacy\.example\.com .* -3\s+no\s+EXPIRED,IMPORTED,NOT_IN_USE$/);
    expect(lines[4]).toMatch(/^cdn\.example\.org\s+222222222222\s+us-east-1\s+PRIVATE/);
    expect(text).toContain('4 certificate(s) in 2 account(s), 3 region(s); findings: EXPIRED 1, EXPIRING 1');
    expect(text).toContain('1 target failed');
    expect(text).toMatch(/222222222222 ap-southeast-2 error AccessDenied: not authorized to perform sts:AssumeRole/);
  });

  it('aligns the columns', () => {
    const [header = '', ...rows] = renderTable(sampleReport()).split('\n').slice(0, 5);
    const starts = rows.map((line) => line.search(/eu-west-1|us-east-1/));
    expect(starts).toEqual(rows.map(() => header.indexOf('REGION')));
  });

  it('colours rows by severity only when asked', () => {
    expect(renderTable(sampleReport())).not.toContain('\u001b[');
    const coloured = renderTable(sampleReport(), { color: true });
    const apiRow = coloured.split('\n')[1] ?? '';
    expect(apiRow.startsWith('\u001b[31mapi.example.com')).toBe(true);
    expect(apiRow.endsWith('\u001b[0m')).toBe(true);
    expect(coloured.split('\n')[3]?.startsWith('www.example.com')).toBe(true);
  });

  it('neutralises terminal control characters that came from AWS', () => {
    const report = sampleReport([certificate({ domainName: 'evil\u001b[2J.example.com' })], [target()]);
    expect(renderTable(report, { color: false })).toContain('evil?[2J.example.com');
    expect(renderTable(report)).not.toContain('\u001b');
  });

  it('says so when there is nothing to show', () => {
    expect(renderTable(sampleReport([], []))).toContain('(no certificates)');
  });
});

describe('renderCsv', () => {
  it('writes a header and one row per certificate with CRLF line ends', () => {
    const csv = renderCsv(sampleReport());
    const rows = parseCsv(csv);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(rows).toHaveLength(5);
    expect(rows[0]?.slice(0, 5)).toEqual(['account_id', 'account_name', 'region', 'arn', 'domain_name']);
    const header = rows[0] ?? [];
    const api = Object.fromEntries(header.map((name, i) => [name, rows[1]?.[i]]));
    expect(api).toMatchObject({
      domain_name: 'api.example.com',
      days_to_expiry: '5',
      in_use: 'true',
      renewal_status_reason: 'CAA_ERROR',
      findings: 'EXPIRING RENEWAL_FAILED',
      tags: 'owner=team-web',
    });
    const legacy = Object.fromEntries(header.map((name, i) => [name, rows[2]?.[i]]));
    expect(legacy.days_to_expiry).toBe('-3');
  });

  it('quotes commas, quotes and line breaks as RFC 4180 says', () => {
    const cert = certificate({ domainName: 'a,b "quoted"\nnext', tags: { note: 'x, y' } });
    const csv = renderCsv(sampleReport([cert], [target()]));
    expect(csv).toContain('"a,b ""quoted""\nnext"');
    const row = parseCsv(csv)[1] ?? [];
    expect(row).toContain('a,b "quoted"\nnext');
    expect(row).toContain('note=x, y');
    expect(parseCsv(csv)[0]?.length).toBe(row.length);
  });

  it('defuses values a spreadsheet would run as formulas', () => {
    const csv = renderCsv(
      sampleReport(
        [
          hostile,
          certificate({ arn: arnOf(67), domainName: '+1+1', issuer: '@SUM(A1)', tags: { owner: '-2+3' } }),
          certificate({ arn: arnOf(68), domainName: '\tcmd', inUse: false, inUseBy: [] }),
        ],
        [target()],
      ),
    );
    const rows = parseCsv(csv).slice(1);
    const cells = rows.flat();
    for (const cell of cells) {
      const numeric = /^-?\d+$/.test(cell);
      if (!numeric) expect(cell).not.toMatch(/^[=+\-@\t]/);
    }
    expect(cells).toContain('\'=HYPERLINK("http://evil.example","click")');
    expect(cells).toContain("'+1+1");
    expect(cells).toContain("'@SUM(A1)");
    expect(cells).toContain('owner=-2+3');
    expect(cells).toContain("'\tcmd");
  });
});

describe('renderHtml', () => {
  it('is one self-contained file: inline style and script, nothing loaded from elsewhere', () => {
    const html = renderHtml(sampleReport());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script[^>]+src=|<link|<image|<use|href=|@import|https?:\/\//);
    // The chart's patterns are referenced inside the page; nothing else may be.
    expect(html.match(/url\([^)]*\)/g)?.every((ref) => /^url\(#p-[a-z]+\)$/.test(ref))).toBe(true);
    expect(html).toContain("default-src 'none'");
  });

  it('allows its one script by hash, not by unsafe-inline, so no other inline script could run', () => {
    const html = renderHtml(sampleReport());
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(script, 'utf8').digest('base64');

    const scriptSrc = csp
      .split(';')
      .map((directive) => directive.trim())
      .find((d) => d.startsWith('script-src'));
    expect(scriptSrc).toBe(`script-src 'sha256-${hash}'`);
    expect(csp).toContain("default-src 'none'");
  });

  it('shows every certificate, the summary and the failed targets', () => {
    const html = renderHtml(sampleReport());
    for (const domain of ['api.example.com', 'legacy.example.com', 'www.example.com', 'cdn.example.org']) {
      expect(html).toContain(`<td>${domain}`);
    }
    expect(html).toContain('4 certificate(s) in 2 account(s), 3 region(s)');
    expect(html).toContain('Targets not fully scanned (1)');
    expect(html).toContain('not authorized to perform sts:AssumeRole');
  });

  it('highlights findings by severity and offers a checkbox for each finding present', () => {
    const html = renderHtml(sampleReport());
    expect(html).toMatch(/<tr class="sev-high" data-findings="EXPIRING RENEWAL_FAILED"/);
    expect(html).toMatch(
      /<span class="f sev-critical"[^>]*>EXPIRED<\/span>|<span class="f sev-medium"[^>]*>EXPIRED<\/span>/,
    );
    expect(html).toContain('<input type="checkbox" name="finding" value="RENEWAL_FAILED">');
    expect(html).not.toContain('value="REVOKED"');
    expect(html).toMatch(/<input type="search" id="filter"/);
    expect(html.match(/<th[ >]/g)?.length).toBeGreaterThanOrEqual(11);
  });

  it('escapes every value, so a hostile domain or tag stays text', () => {
    const html = renderHtml(sampleReport([hostile], [target({ errorMessage: '<b>x</b>', status: 'partial' })]));
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toContain('<img');
    // The page draws its own SVG; a hostile value must never add an element or an event handler to it.
    expect(html).not.toMatch(/<[a-z]+[^>]*\son[a-z]+=/);
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;.example.com');
    expect(html).toContain('&lt;/td&gt;&lt;script&gt;alert(&#39;tag&#39;)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;svg onload=alert(2)&gt;');
    expect(html).toContain('&lt;b&gt;key&lt;/b&gt;=v&amp;1');
  });

  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
