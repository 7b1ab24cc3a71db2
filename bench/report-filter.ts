/**
 * p8: how long the HTML report takes to filter 2,000 certificates in real headless Chromium, from a click on a bar,
 * a legend entry, a grid cell, "Show all" or a letter typed in the search box to the next frame the browser can
 * paint. The goal is 100 ms, the point where a reader stops feeling that the page answered at once. The table shows
 * its first 200 matching rows (html.ts ROW_LIMIT): "Show all" is a deliberate, slower action and is not measured.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderHtml } from '../lambdas/core/report';
import { launchChromium } from '../local/chromium';
import { spreadReport } from '../test/unit/core/report/outlook-sample';
import { round } from './scan';

export interface P8Result {
  certificates: number;
  htmlBytes: number;
  /** Chromium's version: the figure is a browser's, not Node's. */
  browser: string;
  /** Filter actions measured, each from the event to the next frame. */
  actions: number;
  medianMs: number;
  /** The median of the page's own share: the script, style and layout, before the browser paints the frame. */
  medianScriptAndLayoutMs: number;
  p95Ms: number;
  worstMs: number;
  /** The worst action's name, e.g. "bar 4" or "search 'team-3'". */
  worstAction: string;
}

/** Each action is measured this many times, so one stall of a shared machine does not make the figure. */
const ROUNDS = 3;

/** One action: clicks or types in the page, then waits for style, layout and the next animation frame. */
const MEASURE = `async (action) => {
  const started = performance.now();
  if (action.type === 'search') {
    const input = document.getElementById('filter');
    input.value = action.value;
    input.dispatchEvent(new Event('input'));
  } else {
    document.querySelector(action.selector).dispatchEvent(new MouseEvent('click', { bubbles: true }));
  }
  void document.body.offsetHeight;
  const laidOut = performance.now();
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  return [laidOut - started, performance.now() - started];
}`;

type Action = { name: string; type: 'click'; selector: string } | { name: string; type: 'search'; value: string };

function actions(): Action[] {
  const list: Action[] = [];
  for (let week = 0; week < 13; week++) {
    list.push({ name: `bar ${week}`, type: 'click', selector: `#timeline .bar[data-value="${week}"]` });
    list.push({ name: `bar ${week} again`, type: 'click', selector: `#timeline .bar[data-value="${week}"]` });
  }
  for (const kind of ['in-use-imported', 'unused-acm', 'problem']) {
    list.push({ name: `legend ${kind}`, type: 'click', selector: `.legend button[data-value="${kind}"]` });
  }
  list.push({ name: 'show all', type: 'click', selector: '#clear' });
  list.push({ name: 'grid cell', type: 'click', selector: '#grid button[data-value="222222222222#us-east-1"]' });
  list.push({ name: 'show all', type: 'click', selector: '#clear' });
  for (const value of ['t', 'te', 'team-3', '']) list.push({ name: `search '${value}'`, type: 'search', value });
  return list;
}

export async function runP8(options: { certificates?: number; log?: (line: string) => void } = {}): Promise<P8Result> {
  const count = options.certificates ?? 2_000;
  const html = renderHtml(spreadReport(count));
  const dir = mkdtempSync(join(tmpdir(), 'bench-p8-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, html);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    const shown = await page.textContent('#shown');
    if (!shown?.includes(` of ${count} certificates shown`)) throw new Error(`p8: the report did not load (${shown})`);
    const timings: Array<{ name: string; ms: number; syncMs: number }> = [];
    for (const action of Array.from({ length: ROUNDS }, actions).flat()) {
      // The function text runs in the page; its argument is plain data.
      const [syncMs, ms] = (await page.evaluate(`(${MEASURE})(${JSON.stringify(action)})`)) as [number, number];
      timings.push({ name: action.name, ms, syncMs });
    }
    const sorted = [...timings].sort((a, b) => a.ms - b.ms);
    const worst = sorted[sorted.length - 1] ?? { name: 'none', ms: 0 };
    const median = sorted[Math.floor(sorted.length / 2)]?.ms ?? 0;
    const syncs = timings.map((timing) => timing.syncMs).sort((a, b) => a - b);
    const medianSync = syncs[Math.floor(syncs.length / 2)] ?? 0;
    const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]?.ms ?? 0;
    options.log?.(
      `p8 ${count} certificates: median ${round(median, 1)} ms (script and layout ${round(medianSync, 1)} ms), p95 ${round(p95, 1)} ms, worst ${round(worst.ms, 1)} ms (${worst.name})`,
    );
    return {
      certificates: count,
      htmlBytes: Buffer.byteLength(html),
      browser: browser.version(),
      actions: timings.length,
      medianMs: round(median, 1),
      medianScriptAndLayoutMs: round(medianSync, 1),
      p95Ms: round(p95, 1),
      worstMs: round(worst.ms, 1),
      worstAction: worst.name,
    };
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
