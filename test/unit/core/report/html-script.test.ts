import type { Element, HTMLInputElement } from 'happy-dom';
import { afterEach, describe, expect, it } from 'vitest';
import { renderHtml } from '../../../../lambdas/core/report';
import { openReport, type ReportPage } from './report-page';
import { sampleReport } from './sample';

let page: ReportPage;
afterEach(async () => {
  await page.close();
});

function domains(): string[] {
  return page.rows().map((row) => row.children[1]?.textContent.split('.example')[0] ?? '');
}

function header(label: string): Element {
  const th = [...page.document.querySelectorAll('#certs thead th')].find((cell) => cell.textContent === label);
  if (th === undefined) throw new Error(`no column ${label}`);
  return th;
}

function clickHeader(label: string): void {
  header(label).dispatchEvent(new page.window.MouseEvent('click', { bubbles: true }));
}

function setSearch(value: string): void {
  const input = page.document.querySelector('#filter') as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new page.window.Event('input'));
}

function tick(code: string): void {
  const box = page.document.querySelector(`input[name=finding][value=${code}]`) as HTMLInputElement | null;
  if (box === null) throw new Error(`missing finding checkbox ${code}`);
  box.checked = true;
  box.dispatchEvent(new page.window.Event('change'));
}

describe('the report page script', () => {
  it('starts in urgency order with every row shown', () => {
    page = openReport(renderHtml(sampleReport()));
    expect(domains()).toEqual(['api', 'legacy', 'www', 'cdn']);
    expect(page.text('#shown')).toBe('4 of 4 certificates shown');
  });

  it('sorts by a column on click, numerically for days, and reverses on a second click', () => {
    page = openReport(renderHtml(sampleReport()));
    clickHeader('Days');
    expect(domains()).toEqual(['legacy', 'api', 'www', 'cdn']);
    expect(header('Days').getAttribute('aria-sort')).toBe('ascending');
    clickHeader('Days');
    expect(domains()).toEqual(['cdn', 'www', 'api', 'legacy']);
    expect(header('Days').getAttribute('aria-sort')).toBe('descending');
    clickHeader('Domain');
    expect(domains()).toEqual(['api', 'cdn', 'legacy', 'www']);
    expect(header('Days').hasAttribute('aria-sort')).toBe(false);
  });

  it('filters by text anywhere in the row', () => {
    page = openReport(renderHtml(sampleReport()));
    setSearch('TEAM-CDN');
    expect(page.visible()).toEqual(['cdn']);
    expect(page.text('#shown')).toBe('1 of 4 certificates shown');
    setSearch('');
    expect(page.visible()).toHaveLength(4);
  });

  it('filters by the findings ticked, together with the text', () => {
    page = openReport(renderHtml(sampleReport()));
    tick('NOT_IN_USE');
    expect(page.visible()).toEqual(['legacy']);
    tick('EXPIRING');
    expect(page.visible()).toEqual(['api', 'legacy']);
    setSearch('api');
    expect(page.visible()).toEqual(['api']);
  });
});
