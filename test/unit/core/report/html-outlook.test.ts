import type { HTMLElement } from 'happy-dom';
import { afterEach, describe, expect, it } from 'vitest';
import { outlookWeek } from '../../../../lambdas/core/outlook';
import { buildReport, type Report, type ReportSection, renderHtml } from '../../../../lambdas/core/report';
import { ROW_LIMIT } from '../../../../lambdas/core/report/html';
import { arnOf, certificate, daysFrom, NOW } from '../certificate-fixture';
import { spreadReport } from './outlook-sample';
import { openReport, type ReportPage } from './report-page';
import { target } from './sample';

let page: ReportPage;
afterEach(async () => {
  await page?.close();
});

function domainsWhere(report: Report, keep: (cert: Report['certificates'][number]) => boolean): string[] {
  return report.certificates.filter(keep).map((cert) => cert.domainName.split('.example')[0] ?? '');
}

describe('the report timeline and grid', () => {
  it('draws one bar per week whose counts match the data', () => {
    const report = spreadReport(200);
    page = openReport(renderHtml(report));

    const bars = [...page.document.querySelectorAll('#timeline .bar')];
    expect(bars).toHaveLength(13);
    bars.forEach((bar, week) => {
      const expected = report.certificates.filter((cert) => outlookWeek(cert.daysToExpiry) === week).length;
      expect(expected).toBeGreaterThan(0);
      expect(bar.querySelector('.count')?.textContent).toBe(String(expected));
      expect(bar.getAttribute('aria-label')).toContain(`: ${expected} expiring`);
    });
    const tableTotals = [...page.document.querySelectorAll('#timeline-table tbody tr')].map(
      (row) => row.lastElementChild?.textContent,
    );
    expect(tableTotals).toEqual(bars.map((bar) => bar.querySelector('.count')?.textContent));
  });

  it('filters the table to a week when its bar is clicked, and shows everything again on a second click', () => {
    const report = spreadReport();
    page = openReport(renderHtml(report));

    page.click('#timeline .bar[data-value="2"]');

    const expected = domainsWhere(report, (cert) => outlookWeek(cert.daysToExpiry) === 2);
    expect(expected.length).toBeGreaterThan(0);
    expect(page.visible()).toEqual(expected);
    expect(page.text('#shown')).toBe(`${expected.length} of ${report.certificates.length} certificates shown`);
    expect(page.document.querySelector('#timeline .bar[data-value="2"]')?.getAttribute('aria-pressed')).toBe('true');
    expect(page.text('#active')).toMatch(/^Showing week of 29 Jun \(days 14–20\)$/);

    page.click('#timeline .bar[data-value="2"]');
    expect(page.visible()).toHaveLength(report.certificates.length);
    expect(page.text('#active')).toBe('');
  });

  it('answers the keyboard: Enter on a focused bar filters like a click', () => {
    const report = spreadReport();
    page = openReport(renderHtml(report));

    const bar = page.document.querySelector('#timeline .bar[data-value="0"]');
    expect(bar?.getAttribute('tabindex')).toBe('0');
    expect(bar?.getAttribute('role')).toBe('button');
    page.key('#timeline .bar[data-value="0"]', 'Enter');

    expect(page.visible()).toEqual(domainsWhere(report, (cert) => outlookWeek(cert.daysToExpiry) === 0));
  });

  it('filters by a legend entry, together with the week', () => {
    const report = spreadReport();
    page = openReport(renderHtml(report));

    page.click('.legend button[data-value="in-use-imported"]');
    expect(page.visible()).toEqual(domainsWhere(report, (cert) => cert.inUse && cert.type === 'IMPORTED'));
    page.click('#timeline .bar[data-value="1"]');
    expect(page.visible()).toEqual(
      domainsWhere(report, (cert) => cert.inUse && cert.type === 'IMPORTED' && outlookWeek(cert.daysToExpiry) === 1),
    );
    page.click('.legend button[data-value="problem"]');
    expect(page.visible()).toEqual(
      domainsWhere(report, (cert) => cert.findings.includes('RENEWAL_FAILED') && outlookWeek(cert.daysToExpiry) === 1),
    );

    page.click('#clear');
    expect(page.visible()).toHaveLength(report.certificates.length);
    expect(page.document.querySelectorAll('[aria-pressed="true"]')).toHaveLength(0);
  });

  it('filters the table to an account-region when its grid cell is clicked', () => {
    const report = spreadReport();
    page = openReport(renderHtml(report));

    page.click('#grid button[data-value="222222222222#us-east-1"]');

    expect(page.visible()).toEqual(
      domainsWhere(report, (cert) => cert.accountId === '222222222222' && cert.region === 'us-east-1'),
    );
    expect(page.text('#active')).toBe('Showing staging (222222222222) us-east-1');
  });

  it('colours each grid cell by its worst finding and says so in words and a shape', () => {
    const report = buildReport({
      runId: 'r',
      generatedAt: NOW,
      targets: [target(), target({ region: 'us-east-1', status: 'error', errorCode: 'AccessDenied' })],
      certificates: [
        certificate({ arn: arnOf(1), renewalStatus: 'FAILED', notAfter: daysFrom(NOW, 10) }),
        certificate({ arn: arnOf(2), status: 'REVOKED' }),
      ],
    });
    page = openReport(renderHtml(report));

    const cell = page.document.querySelector('#grid button[data-value="111111111111#eu-west-1"]');
    expect(cell?.className).toContain('sev-critical');
    expect(cell?.textContent).toBe('◆ 2');
    expect(cell?.getAttribute('aria-label')).toContain('2 certificate(s), worst finding REVOKED (critical) on 1');
    const failed = [...page.document.querySelectorAll('#grid td')].find((td) =>
      td.getAttribute('title')?.includes('us-east-1'),
    );
    expect(failed?.getAttribute('title')).toContain('scan incomplete');
  });

  it('renders a further section after the certificates, whose rows the grid filters too', () => {
    const report = spreadReport(12);
    const section: ReportSection = {
      id: 'served',
      title: 'Served endpoints',
      render: (r) =>
        `<table><tbody>${r.targets.map((t) => `<tr data-target="${t.accountId}#${t.region}"><td>${t.region}</td></tr>`).join('')}</tbody></table>`,
    };
    page = openReport(renderHtml(report, { sections: [section] }));

    expect(page.text('#served h2')).toBe('Served endpoints');
    page.click('#grid button[data-value="111111111111#eu-west-1"]');
    const rows = [...page.document.querySelectorAll('#served tr')] as HTMLElement[];
    const shown = rows.filter((row) => !row.hidden);
    expect(shown.map((row) => row.getAttribute('data-target'))).toEqual(['111111111111#eu-west-1']);
  });

  it('shows the first rows that match, in table order, and all of them on request', () => {
    const report = spreadReport(ROW_LIMIT + 50);
    page = openReport(renderHtml(report));
    const all = report.certificates.length;

    expect(page.visible()).toEqual(domainsWhere(report, () => true).slice(0, ROW_LIMIT));
    expect(page.text('#shown')).toBe(
      `${ROW_LIMIT} of ${all} certificates shown (the first ${ROW_LIMIT} of ${all} that match)`,
    );
    page.click('#timeline .bar[data-value="4"]');
    const week = domainsWhere(report, (cert) => outlookWeek(cert.daysToExpiry) === 4);
    expect(week.length).toBeLessThan(ROW_LIMIT);
    expect(page.visible()).toEqual(week);
    expect(page.text('#shown')).toBe(`${week.length} of ${all} certificates shown`);
    page.click('#clear');

    page.click('#more');
    expect(page.visible()).toHaveLength(all);
    expect(page.text('#shown')).toBe(`${all} of ${all} certificates shown`);
  });

  it('leaves out a section with nothing to show', () => {
    const html = renderHtml(spreadReport(3), {
      sections: [{ id: 'ct', title: 'CT issuances', render: () => undefined }],
    });
    expect(html).not.toContain('CT issuances');
  });
});
