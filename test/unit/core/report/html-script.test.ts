import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../../lambdas/core/report';
import { loadReportPage, type ReportPage } from './fake-dom';
import { sampleReport } from './sample';

function domains(page: ReportPage): string[] {
  return page.rows.map((row) => row.cells[1]?.textContent.split('.example')[0] ?? '');
}

function visible(page: ReportPage): string[] {
  return domains(page).filter((_, i) => !page.rows[i]?.hidden);
}

function header(page: ReportPage, label: string) {
  const th = page.headers.find((cell) => cell.textContent === label);
  if (th === undefined) throw new Error(`no column ${label}`);
  return th;
}

describe('the report page script', () => {
  it('starts in urgency order with every row shown', () => {
    const page = loadReportPage(renderHtml(sampleReport()));
    expect(domains(page)).toEqual(['api', 'legacy', 'www', 'cdn']);
    expect(page.shown.textContent).toBe('4 of 4 certificates shown');
  });

  it('sorts by a column on click, numerically for days, and reverses on a second click', () => {
    const page = loadReportPage(renderHtml(sampleReport()));
    const days = header(page, 'Days');
    days.dispatch('click');
    expect(domains(page)).toEqual(['legacy', 'api', 'www', 'cdn']);
    expect(days.getAttribute('aria-sort')).toBe('ascending');
    days.dispatch('click');
    expect(domains(page)).toEqual(['cdn', 'www', 'api', 'legacy']);
    expect(days.getAttribute('aria-sort')).toBe('descending');
    header(page, 'Domain').dispatch('click');
    expect(domains(page)).toEqual(['api', 'cdn', 'legacy', 'www']);
    expect(days.hasAttribute('aria-sort')).toBe(false);
  });

  it('filters by text anywhere in the row', () => {
    const page = loadReportPage(renderHtml(sampleReport()));
    page.search.value = 'TEAM-CDN';
    page.search.dispatch('input');
    expect(visible(page)).toEqual(['cdn']);
    expect(page.shown.textContent).toBe('1 of 4 certificates shown');
    page.search.value = '';
    page.search.dispatch('input');
    expect(visible(page)).toHaveLength(4);
  });

  it('filters by the findings ticked, together with the text', () => {
    const page = loadReportPage(renderHtml(sampleReport()));
    const box = (code: string) => page.checkboxes.find((input) => input.getAttribute('value') === code);
    const notInUse = box('NOT_IN_USE');
    const expiring = box('EXPIRING');
    if (!notInUse || !expiring) throw new Error('missing finding checkbox');
    notInUse.checked = true;
    notInUse.dispatch('change');
    expect(visible(page)).toEqual(['legacy']);
    expiring.checked = true;
    expiring.dispatch('change');
    expect(visible(page)).toEqual(['api', 'legacy']);
    page.search.value = 'api';
    page.search.dispatch('input');
    expect(visible(page)).toEqual(['api']);
  });
});
