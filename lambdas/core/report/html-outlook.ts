/**
 * The pictures at the top of the HTML report: the next 90 days of expiries by week (inline SVG) and the account ×
 * region grid coloured by the worst finding. Both are drawn from the report data alone, need nothing from outside
 * the file, and are controls: each bar, legend entry and grid cell carries `data-filter`/`data-value`, which the
 * report's one script reads to filter the certificate table. Colour is never the only signal: stacks differ by
 * pattern and lightness, grid cells by a shape and a word, and every control has a text label.
 */
import { findingRule } from '../findings';
import type { Severity } from '../model';
import {
  type AccountRegion,
  accountRegions,
  buildTimeline,
  hasProblem,
  OUTLOOK_DAYS,
  OUTLOOK_KIND_LABELS,
  OUTLOOK_KINDS,
  type OutlookKind,
  type OutlookWeek,
  outlookKind,
  outlookWeek,
} from '../outlook';
import { escapeHtml } from './escape';
import type { Report, ReportCertificate } from './schema';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86_400_000;

/** "1 Dec": the date `days` after the report was generated, in UTC like every date in the report. */
function dayLabel(generatedAt: string, days: number): string {
  const date = new Date(Date.parse(generatedAt) + days * DAY_MS);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`;
}

/** The attributes a certificate row carries so the pictures' controls can filter it. */
export function outlookRowAttributes(cert: ReportCertificate): string {
  const week = outlookWeek(cert.daysToExpiry);
  return (
    `${week === undefined ? '' : ` data-week="${week}"`} data-kind="${outlookKind(cert)}"` +
    `${hasProblem(cert) ? ' data-problem="1"' : ''} data-target="${escapeHtml(targetValue(cert))}"`
  );
}

function targetValue(item: { accountId: string; region: string }): string {
  return `${item.accountId}#${item.region}`;
}

/**
 * Fill of each stack. Darkest at the bottom for what is in use and will not renew by itself; each also has its own
 * pattern (solid, stripes, dots, outline), so a reader without hue, or a grey-scale print, still tells them apart.
 */
const KIND_FILL: Record<OutlookKind, string> = {
  'in-use-imported': '#0b2e6b',
  'in-use-acm': 'url(#p-stripes)',
  'unused-imported': 'url(#p-dots)',
  'unused-acm': 'url(#p-open)',
};

const PATTERNS =
  '<defs>' +
  '<pattern id="p-stripes" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
  '<rect width="6" height="6" fill="#6b93d6"/><rect width="3" height="6" fill="#0b2e6b"/></pattern>' +
  '<pattern id="p-dots" width="5" height="5" patternUnits="userSpaceOnUse">' +
  '<rect width="5" height="5" fill="#c9d8f2"/><circle cx="2.5" cy="2.5" r="1.2" fill="#0b2e6b"/></pattern>' +
  '<pattern id="p-open" width="6" height="6" patternUnits="userSpaceOnUse">' +
  '<rect width="6" height="6" fill="#fff"/><path d="M0 3h6" stroke="#6b93d6" stroke-width="1"/></pattern>' +
  '</defs>';

const CHART = { width: 780, height: 220, left: 30, top: 34, plot: 140, barGap: 14 } as const;

function weekLabel(report: Report, week: OutlookWeek): string {
  return `week of ${dayLabel(report.generatedAt, week.fromDay)} (days ${week.fromDay}–${week.toDay})`;
}

function weekDescription(report: Report, week: OutlookWeek): string {
  const parts = OUTLOOK_KINDS.filter((kind) => week.byKind[kind] > 0).map(
    (kind) => `${week.byKind[kind]} ${OUTLOOK_KIND_LABELS[kind]}`,
  );
  const problems = week.withProblem > 0 ? `; ${week.withProblem} with a renewal or validation problem` : '';
  return `${weekLabel(report, week)}: ${week.total} expiring${parts.length > 0 ? ` (${parts.join(', ')})` : ''}${problems}`;
}

function timelineSvg(report: Report, weeks: OutlookWeek[]): string {
  const max = Math.max(1, ...weeks.map((week) => week.total));
  const slot = (CHART.width - CHART.left) / weeks.length;
  const barWidth = slot - CHART.barGap;
  const baseline = CHART.top + CHART.plot;
  const bars = weeks.map((week) => {
    const x = CHART.left + week.index * slot + CHART.barGap / 2;
    let y = baseline;
    const rects = OUTLOOK_KINDS.filter((kind) => week.byKind[kind] > 0).map((kind) => {
      const height = Math.max(2, (week.byKind[kind] / max) * CHART.plot);
      y -= height;
      return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${height.toFixed(1)}" fill="${KIND_FILL[kind]}" stroke="#0b2e6b" stroke-width="0.75"/>`;
    });
    const middle = (x + barWidth / 2).toFixed(1);
    const count = `<text x="${middle}" y="${(y - 4).toFixed(1)}" class="count">${week.total}</text>`;
    const problem =
      week.withProblem > 0
        ? `<text x="${middle}" y="${(y - 18).toFixed(1)}" class="problem">⚠${week.withProblem}</text>`
        : '';
    const label = `<text x="${middle}" y="${baseline + 16}" class="axis">${escapeHtml(dayLabel(report.generatedAt, week.fromDay))}</text>`;
    const description = escapeHtml(weekDescription(report, week));
    // The hit area spans the whole slot, so a short bar is as easy to click as a tall one.
    const hit = `<rect x="${(x - CHART.barGap / 2).toFixed(1)}" y="${CHART.top - 30}" width="${slot.toFixed(1)}" height="${CHART.plot + 50}" class="hit"/>`;
    const control =
      week.total > 0
        ? ` role="button" tabindex="0" aria-pressed="false" aria-label="${description}" data-filter="week" data-value="${week.index}" data-label="${escapeHtml(weekLabel(report, week))}"`
        : ' aria-hidden="true"';
    return `<g class="bar"${control}><title>${description}</title>${hit}${rects.join('')}${count}${problem}${label}</g>`;
  });
  const axis = `<line x1="${CHART.left}" y1="${baseline}" x2="${CHART.width}" y2="${baseline}" stroke="#57606a"/>`;
  return (
    `<svg id="timeline" viewBox="0 0 ${CHART.width} ${CHART.height}" role="group" aria-labelledby="timeline-title timeline-desc">` +
    `<title id="timeline-title">Expiries over the next ${OUTLOOK_DAYS} days by week</title>` +
    `<desc id="timeline-desc">${escapeHtml(weeks.map((week) => weekDescription(report, week)).join('. '))}</desc>` +
    `${PATTERNS}${axis}${bars.join('')}</svg>`
  );
}

function swatch(kind: OutlookKind): string {
  return `<svg class="swatch" viewBox="0 0 14 14" aria-hidden="true"><rect x=".5" y=".5" width="13" height="13" fill="${KIND_FILL[kind]}" stroke="#0b2e6b"/></svg>`;
}

function legend(counts: Record<OutlookKind, number>, problems: number): string {
  const kinds = OUTLOOK_KINDS.map(
    (kind) =>
      `<button type="button" data-filter="kind" data-value="${kind}" data-label="${OUTLOOK_KIND_LABELS[kind]}" aria-pressed="false">` +
      `${swatch(kind)} ${OUTLOOK_KIND_LABELS[kind]} (${counts[kind]})</button>`,
  );
  kinds.push(
    `<button type="button" data-filter="kind" data-value="problem" data-label="with a renewal or validation problem" aria-pressed="false">` +
      `<span class="problem" aria-hidden="true">⚠</span> with a renewal or validation problem (${problems})</button>`,
  );
  return `<div class="legend" role="group" aria-label="Filter by kind">${kinds.join('\n')}</div>`;
}

/** The timeline's numbers as a table, for screen readers and for anyone who wants to read the exact counts. */
function timelineTable(report: Report, weeks: OutlookWeek[]): string {
  const head = `<tr><th>Week</th>${OUTLOOK_KINDS.map((kind) => `<th>${OUTLOOK_KIND_LABELS[kind]}</th>`).join('')}<th>with a problem</th><th>Total</th></tr>`;
  const rows = weeks.map(
    (week) =>
      `<tr><td>${escapeHtml(weekLabel(report, week))}</td>${OUTLOOK_KINDS.map((kind) => `<td class="num">${week.byKind[kind]}</td>`).join('')}` +
      `<td class="num">${week.withProblem}</td><td class="num">${week.total}</td></tr>`,
  );
  return `<details><summary>The timeline as a table</summary><table id="timeline-table"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></details>`;
}

export function timelineSection(report: Report): string {
  const timeline = buildTimeline(report.certificates);
  const counts = { 'in-use-imported': 0, 'in-use-acm': 0, 'unused-imported': 0, 'unused-acm': 0 };
  let problems = 0;
  for (const week of timeline.weeks) {
    for (const kind of OUTLOOK_KINDS) counts[kind] += week.byKind[kind];
    problems += week.withProblem;
  }
  const expired = timeline.expired > 0 ? ` ${timeline.expired} already expired (tick EXPIRED below to see them).` : '';
  return (
    `<section id="outlook" aria-labelledby="outlook-h"><h2 id="outlook-h">Next ${OUTLOOK_DAYS} days</h2>\n` +
    `<p class="meta">${timeline.total} certificate(s) expire within ${OUTLOOK_DAYS} days.${expired} Click a bar or a legend entry to filter the table; click it again to undo.</p>\n` +
    `${timelineSvg(report, timeline.weeks)}\n${legend(counts, problems)}\n${timelineTable(report, timeline.weeks)}</section>\n`
  );
}

/** A shape and a word per severity, so a cell reads the same in grey scale as in colour. */
const SEVERITY_MARK: Record<Severity | 'none', string> = {
  critical: '◆',
  high: '▲',
  medium: '●',
  low: '○',
  info: '·',
  none: '✓',
};

/** Enough rows to see where the trouble is; the rest, ranked below them, are named in a line. */
export const GRID_MAX_ACCOUNTS = 50;

function cellHtml(cell: AccountRegion | undefined): string {
  if (cell === undefined) return '<td class="g-empty"><span aria-label="not scanned">–</span></td>';
  const severity = cell.worst?.severity ?? 'none';
  const worst = cell.worst
    ? `worst finding ${cell.worst.code} (${cell.worst.severity}) on ${cell.worst.certificates}: ${findingRule(cell.worst.code).meaning}`
    : 'no finding';
  const incomplete = cell.scanIncomplete ? '; scan incomplete' : '';
  const account = cell.accountName ? `${cell.accountName} (${cell.accountId})` : cell.accountId;
  const label = `${account} ${cell.region}: ${cell.certificates} certificate(s), ${worst}${incomplete}`;
  if (cell.certificates === 0) {
    return `<td class="g-empty" title="${escapeHtml(label)}">${cell.scanIncomplete ? '⚠ ' : ''}0</td>`;
  }
  return (
    `<td><button type="button" class="g sev-${severity}" data-filter="target" data-value="${escapeHtml(targetValue(cell))}" ` +
    `data-label="${escapeHtml(`${account} ${cell.region}`)}" aria-pressed="false" title="${escapeHtml(label)}" aria-label="${escapeHtml(label)}">` +
    `${SEVERITY_MARK[severity]} ${cell.certificates}${cell.scanIncomplete ? ' ⚠' : ''}</button></td>`
  );
}

export function gridSection(report: Report): string {
  const cells = accountRegions(report.certificates, report.targets);
  if (cells.length === 0) return '';
  const regions = [...new Set(cells.map((cell) => cell.region))].sort();
  const accounts: string[] = [];
  const names = new Map<string, string>();
  const byKey = new Map<string, AccountRegion>();
  for (const cell of cells) {
    if (!accounts.includes(cell.accountId)) accounts.push(cell.accountId);
    if (cell.accountName) names.set(cell.accountId, cell.accountName);
    byKey.set(targetValue(cell), cell);
  }
  const shown = accounts.slice(0, GRID_MAX_ACCOUNTS);
  // A target of region "*" is an account whose scan failed before its regions were known.
  const head = `<tr><th>Account</th>${regions.map((region) => `<th>${region === '*' ? 'any region' : escapeHtml(region)}</th>`).join('')}</tr>`;
  const rows = shown.map((accountId) => {
    const name = names.get(accountId);
    const label = name ? `${escapeHtml(name)}<br><small>${escapeHtml(accountId)}</small>` : escapeHtml(accountId);
    const tds = regions.map((region) => cellHtml(byKey.get(`${accountId}#${region}`)));
    return `<tr><th scope="row">${label}</th>${tds.join('')}</tr>`;
  });
  const more =
    accounts.length > shown.length
      ? `<p class="meta">${accounts.length - shown.length} more account(s), with milder findings, are in the table below.</p>`
      : '';
  const key = (['critical', 'high', 'medium', 'low', 'info', 'none'] as const)
    .map((severity) => `<span class="g sev-${severity}">${SEVERITY_MARK[severity]} ${severity}</span>`)
    .join(' ');
  return (
    `<section id="places" aria-labelledby="places-h"><h2 id="places-h">Where: account × region, by worst finding</h2>\n` +
    `<p class="meta">Each cell: the worst finding's severity (shape and colour) and the number of certificates. ${key} · ⚠ scan incomplete · – not scanned.</p>\n` +
    `<div class="grid-wrap"><table id="grid"><thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table></div>\n${more}</section>\n`
  );
}
