import { describe, expect, it } from 'vitest';
import { assessEndpoint, skippedResult } from '../../../../lambdas/core/probe/findings';
import type { EndpointResult } from '../../../../lambdas/core/probe/model';
import { buildReport, parseReport, renderHtml } from '../../../../lambdas/core/report';
import { renderDigest } from '../../../../lambdas/core/slack';
import { bigDigest } from '../slack/fixtures';
import { allTexts, expectSafeMarkup, expectWithinSlackLimits } from '../slack/limits';
import { endpoint, inDays, NOW, served } from './fixtures';

const ctx = { now: NOW, expiryDays: 30 };

function results(hostile = false): EndpointResult[] {
  const evil = hostile ? '<!channel> <script>alert(1)</script>&' : '';
  return [
    assessEndpoint(
      endpoint({ host: 'ok.example.com', sni: 'ok.example.com', accountId: '111111111111', region: 'eu-west-1' }),
      { kind: 'served', served: served() },
      ctx,
    ),
    assessEndpoint(
      endpoint({
        source: 'elbv2',
        host: `shop-1.elb.amazonaws.com${evil}`,
        accountId: '111111111111',
        region: 'eu-west-1',
      }),
      { kind: 'served', served: served({ serial: '0D:0E', notAfter: inDays(5), subject: `CN=${evil}shop` }) },
      ctx,
    ),
    assessEndpoint(
      endpoint({ host: 'down.example.com', sni: 'down.example.com' }),
      { kind: 'unreachable', reason: 'timeout', message: `no TLS handshake within 5000 ms${evil}` },
      ctx,
    ),
    skippedResult(
      endpoint({ source: 'elbv2', host: 'internal-x.elb.amazonaws.com', skippedReason: 'internal load balancer' }),
    ),
  ];
}

describe('endpoints in the report', () => {
  it('lists every endpoint most serious first and counts the probe findings in byFinding', () => {
    const report = buildReport({ runId: 'r1', generatedAt: NOW, targets: [], certificates: [], endpoints: results() });

    expect(report.endpoints?.map((e) => [e.status, e.findings])).toEqual([
      ['finding', ['SERVED_MISMATCH', 'SERVED_EXPIRING']],
      ['unreachable', ['ENDPOINT_UNREACHABLE']],
      ['ok', []],
      ['skipped', []],
    ]);
    expect(report.summary.byFinding).toMatchObject({
      SERVED_MISMATCH: 1,
      SERVED_EXPIRING: 1,
      ENDPOINT_UNREACHABLE: 1,
      CHAIN_INCOMPLETE: 0,
    });
    expect(report.endpoints?.[0]).not.toHaveProperty('expectedSerials');
  });

  it('reads back what it writes, and still reads a report written without endpoints', () => {
    const withEndpoints = buildReport({
      runId: 'r1',
      generatedAt: NOW,
      targets: [],
      certificates: [],
      endpoints: results(),
    });
    const without = buildReport({ runId: 'r0', generatedAt: NOW, targets: [], certificates: [] });

    expect(parseReport(JSON.stringify(withEndpoints))).toEqual(withEndpoints);
    expect(parseReport(JSON.stringify(without))).toEqual(without);
    expect(without).not.toHaveProperty('endpoints');
    expect(without.summary.byFinding).not.toHaveProperty('SERVED_MISMATCH');
  });

  it('shows a table of endpoints in the HTML report, every value escaped', () => {
    const html = renderHtml(
      buildReport({ runId: 'r1', generatedAt: NOW, targets: [], certificates: [], endpoints: results(true) }),
    );

    expect(html).toContain('>What endpoints serve (4)</h2>');
    expect(html).toContain('SERVED_MISMATCH');
    expect(html).toContain('internal load balancer');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&amp;');
  });
});

describe('the digest section "What endpoints serve"', () => {
  it('lists endpoints with findings and unreachable ones apart, with counts', () => {
    const message = renderDigest({
      ...bigDigest(),
      generatedAt: NOW.toISOString(),
      certificates: [],
      changes: [],
      endpoints: results(),
    });
    const text = allTexts(message).join('\n');

    expect(text).toContain('*What endpoints serve*\n3 endpoints probed · 1 with findings · 1 unreachable · 1 skipped');
    expect(text).toContain(
      '`SERVED_MISMATCH` `SERVED_EXPIRING` · serves `0D:0E`, expires in 5 days, ACM has `0A:0B:0C`',
    );
    expect(text).toContain('*Unreachable from the monitor* (1)');
    expect(text).toContain('paged once an endpoint fails three runs in a row');
  });

  it('says so when every endpoint reached serves what ACM holds', () => {
    const ok = results().filter((e) => e.status === 'ok');

    const text = allTexts(renderDigest({ ...bigDigest(), endpoints: ok })).join('\n');

    expect(text).toContain('Every endpoint reached serves its ACM certificate');
  });

  it('stays within Slack limits and safe with many hostile endpoints', () => {
    const many = Array.from({ length: 400 }, () => results(true)).flat();

    const message = renderDigest({ ...bigDigest(true), endpoints: many });

    expectWithinSlackLimits(message);
    expectSafeMarkup(message);
  });

  it('has no endpoint section when the run did not probe', () => {
    expect(allTexts(renderDigest(bigDigest())).join('\n')).not.toContain('What endpoints serve');
  });
});

describe('endpoints in the terminal table', () => {
  it('lists the endpoints with findings or unreachable, one line each, after the counts', async () => {
    const { renderTable } = await import('../../../../lambdas/core/report');

    const text = renderTable(
      buildReport({ runId: 'r1', generatedAt: NOW, targets: [], certificates: [], endpoints: results() }),
    );

    expect(text).toContain('Endpoints probed: 1 ok, 1 finding, 1 unreachable, 1 skipped');
    expect(text).toContain(
      '  shop.example.com:443 at shop-1.elb.amazonaws.com SERVED_MISMATCH SERVED_EXPIRING serves 0D:0E until',
    );
    expect(text).toContain('  down.example.com:443 ENDPOINT_UNREACHABLE timeout: no TLS handshake within 5000 ms');
  });
});
