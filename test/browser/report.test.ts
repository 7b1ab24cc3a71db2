/**
 * The HTML report as a person meets it: opened from a file in real headless Chromium, under its own
 * Content-Security-Policy, clicked with the mouse and the keyboard. Writes the screenshot the README shows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outlookWeek } from '../../lambdas/core/outlook';
import { renderHtml } from '../../lambdas/core/report';
import { launchChromium } from '../../local/chromium';
import { spreadReport } from '../unit/core/report/outlook-sample';

const SCREENSHOT = resolve(__dirname, '../../docs/report-timeline.png');

const report = spreadReport(90);
let browser: Browser;
let page: Page;
let dir: string;
const problems: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'report-browser-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, renderHtml(report));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 1250 } });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) problems.push(`request to ${request.url()}`);
  });
  await page.goto(pathToFileURL(file).href);
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function visibleDomains(): Promise<string[]> {
  return page.$$eval('#certs tbody tr', (rows) =>
    rows
      .filter((row) => !(row as { hidden?: boolean }).hidden)
      .map((row) => row.children[1]?.textContent?.split('.example')[0] ?? ''),
  );
}

function domainsWhere(keep: (cert: (typeof report.certificates)[number]) => boolean): string[] {
  return report.certificates.filter(keep).map((cert) => cert.domainName.split('.example')[0] ?? '');
}

describe('the report in headless Chromium', () => {
  it('runs its script under its own CSP, loads nothing and logs no error', async () => {
    expect(await page.textContent('#shown')).toBe(
      `${report.certificates.length} of ${report.certificates.length} certificates shown`,
    );
    expect(await page.locator('#timeline .bar').count()).toBe(13);
    expect(problems).toEqual([]);
  });

  it('draws the bars with a height and the counts of the data', async () => {
    const counts = await page.$$eval('#timeline .bar .count', (texts) => texts.map((t) => Number(t.textContent)));
    expect(counts).toEqual(
      Array.from({ length: 13 }, (_, week) => domainsWhere((cert) => outlookWeek(cert.daysToExpiry) === week).length),
    );
    const box = await page.locator('#timeline').boundingBox();
    expect(box?.height ?? 0).toBeGreaterThan(150);
  });

  it('filters the table when a bar is clicked, and again from the keyboard', async () => {
    await page.click('#timeline .bar[data-value="3"]');
    expect(await visibleDomains()).toEqual(domainsWhere((cert) => outlookWeek(cert.daysToExpiry) === 3));
    await page.click('#timeline .bar[data-value="3"]');
    expect(await visibleDomains()).toHaveLength(report.certificates.length);

    await page.focus('#timeline .bar[data-value="1"]');
    await page.keyboard.press('Enter');
    expect(await visibleDomains()).toEqual(domainsWhere((cert) => outlookWeek(cert.daysToExpiry) === 1));
    await page.click('#clear');
    expect(await visibleDomains()).toHaveLength(report.certificates.length);
  });

  it('filters the table when a grid cell is clicked, and writes the screenshot', async () => {
    await page.click('#grid button[data-value="111111111111#eu-west-1"]');
    expect(await visibleDomains()).toEqual(
      domainsWhere((cert) => cert.accountId === '111111111111' && cert.region === 'eu-west-1'),
    );
    expect(await page.textContent('#active')).toBe('Showing prod (111111111111) eu-west-1');
    await page.click('#timeline .bar[data-value="0"]');
    const buffer = await page.screenshot({ path: SCREENSHOT });
    expect(buffer.length).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
  });
});
