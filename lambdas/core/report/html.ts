/**
 * The report as one self-contained HTML file: inline CSS, inline SVG and a little inline JS (sort by column, filter
 * by text, by finding, by a week of the timeline, by kind and by account-region), no external assets, so it can be
 * mailed or opened from S3 as is. Every value is escaped and the data lives only in the markup, never inside the
 * script; a CSP forbids loading anything else.
 */
import { createHash } from 'node:crypto';
import { diagnosisHeadline } from '../diagnosis/text';
import { findingFix, findingRule, findingSeverity, worstSeverity } from '../findings';
import { FINDING_CODES } from '../model';
import { escapeHtml } from './escape';
import { gridSection, outlookRowAttributes, timelineSection } from './html-outlook';
import type { Report, ReportCertificate } from './schema';
import { REPORT_SECTIONS, type ReportSection } from './sections';
import { summaryLine } from './table';

export { escapeHtml } from './escape';

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1f2328}
h1{font-size:1.4rem;margin:0 0 .25rem}
.meta{color:#57606a;margin:0 0 1rem}
.summary{font-weight:600}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0}
#certs th{cursor:pointer;user-select:none}
#certs th[aria-sort=ascending]::after{content:" ▲"}
#certs th[aria-sort=descending]::after{content:" ▼"}
td.num{text-align:right;font-variant-numeric:tabular-nums}
#certs{contain:content}
#certs td{content-visibility:auto;contain-intrinsic-size:auto 2.5em}
small{color:#57606a;word-break:break-all}
.controls{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin:1rem 0}
.controls input[type=search]{min-width:18rem;padding:.3rem}
.controls label{white-space:nowrap}
.f{display:inline-block;border-radius:3px;padding:0 .35rem;margin:0 .2rem .2rem 0;font-size:12px;font-weight:600}
.sev-critical .sev,.f.sev-critical{background:#a40e26;color:#fff}
.sev-high .sev,.f.sev-high{background:#d1242f;color:#fff}
.sev-medium .sev,.f.sev-medium{background:#bf8700;color:#fff}
.sev-low .sev,.f.sev-low{background:#ddf4ff;color:#0969da}
.sev-info .sev,.f.sev-info{background:#eaeef2;color:#57606a}
tr.sev-critical td:first-child{border-left:4px solid #a40e26}
tr.sev-high td:first-child{border-left:4px solid #d1242f}
tr.sev-medium td:first-child{border-left:4px solid #bf8700}
.failed td{background:#fff1f0}
h2{font-size:1.1rem;margin:1.25rem 0 .25rem}
#timeline{width:100%;max-width:780px;height:auto;display:block}
#timeline text{font-size:11px;text-anchor:middle;fill:#1f2328}
#timeline .problem{fill:#a40e26;font-weight:600}
#timeline .hit{fill:transparent}
#timeline .bar[role=button]{cursor:pointer}
#timeline .bar:focus{outline:none}
#timeline .bar:focus .hit,#timeline .bar:hover .hit{fill:#eaeef2}
#timeline .bar[aria-pressed=true] .hit{fill:#ddf4ff;stroke:#0969da;stroke-width:2}
.legend{display:flex;flex-wrap:wrap;gap:.4rem;margin:.25rem 0 .5rem}
.legend button,.g{font:inherit;font-size:12px;border:1px solid #8c959f;border-radius:4px;background:#fff;padding:.15rem .45rem;cursor:pointer}
.legend button[aria-pressed=true],button.g[aria-pressed=true]{outline:3px solid #0969da;outline-offset:1px}
.swatch{width:12px;height:12px;vertical-align:-2px}
span.problem{color:#a40e26}
.grid-wrap{overflow-x:auto}
#grid{width:auto}
#grid td,#grid th{text-align:center;white-space:nowrap}
#grid th[scope=row]{text-align:left}
.g{display:inline-block;min-width:3.2rem;font-weight:600}
.g.sev-critical{background:#a40e26;color:#fff}
.g.sev-high{background:#d1242f;color:#fff}
.g.sev-medium{background:#f5d77f;color:#1f2328}
.g.sev-low{background:#ddf4ff;color:#0a3069}
.g.sev-info{background:#f6f8fa;color:#57606a}
.g.sev-none{background:#fff;color:#1a7f37}
.g-empty{color:#8c959f}
.filters{display:flex;gap:.75rem;align-items:center;min-height:1.6rem}
#clear[hidden]{display:none}
`;

/**
 * Rows shown at once; all of them on request. With every one of 2,000 rows shown, a click took Chromium a median
 * 147 ms (p95 743 ms) to lay out and paint; with 200 and the table's containment, 37 ms (bench p8). 200 rows are
 * more than anyone reads: the filters are how one finds the rest.
 */
export const ROW_LIMIT = 200;

// Sorting and filtering only; it reads nothing but the page's own attributes and text. Each row's filter keys are
// read once, and its text on the first text search, so a click over thousands of rows only compares strings.
const SCRIPT = `
(function () {
  var table = document.getElementById('certs');
  var body = table.querySelector('tbody');
  var rows = Array.prototype.slice.call(body.children);
  var headers = Array.prototype.slice.call(table.querySelectorAll('thead th'));
  var search = document.getElementById('filter');
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name=finding]'));
  var shown = document.getElementById('shown');
  var active = document.getElementById('active');
  var clear = document.getElementById('clear');
  var controls = Array.prototype.slice.call(document.querySelectorAll('[data-filter]'));
  var others = Array.prototype.slice.call(document.querySelectorAll('section.extra tr[data-target]'));
  var more = document.getElementById('more');
  var state = { week: null, kind: null, target: null };
  // Laying out thousands of rows at once takes the browser longer than a reader waits for a click to answer: the
  // table shows the first rows that match, and all of them on request.
  var limit = ${ROW_LIMIT};
  var facts = rows.map(function (row) {
    return {
      row: row,
      week: row.getAttribute('data-week'),
      kind: row.getAttribute('data-kind'),
      problem: row.hasAttribute('data-problem'),
      target: row.getAttribute('data-target'),
      findings: (row.getAttribute('data-findings') || '').split(' '),
      text: null
    };
  });
  function key(row, index, numeric) {
    var cell = row.children[index];
    var value = cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent;
    if (!numeric) return value.toLowerCase();
    var n = parseFloat(value);
    return isNaN(n) ? Infinity : n;
  }
  headers.forEach(function (th, index) {
    th.addEventListener('click', function () {
      var numeric = th.getAttribute('data-type') === 'num';
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      headers.forEach(function (other) { other.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var order = facts.map(function (fact, i) { return { fact: fact, i: i, k: key(fact.row, index, numeric) }; });
      order.sort(function (a, b) {
        var c = a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i;
        return ascending ? c : -c;
      });
      facts = order.map(function (item) { return item.fact; });
      facts.forEach(function (fact) { body.appendChild(fact.row); });
      apply();
    });
  });
  function matches(fact, text, wanted) {
    if (state.week !== null && fact.week !== state.week) return false;
    if (state.kind !== null && (state.kind === 'problem' ? !fact.problem : fact.kind !== state.kind)) return false;
    if (state.target !== null && fact.target !== state.target) return false;
    if (wanted.length > 0 && !wanted.some(function (code) { return fact.findings.indexOf(code) >= 0; })) return false;
    if (text === '') return true;
    if (fact.text === null) fact.text = fact.row.textContent.toLowerCase();
    return fact.text.indexOf(text) >= 0;
  }
  function apply() {
    var text = search.value.trim().toLowerCase();
    var wanted = boxes.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
    var count = 0;
    facts.forEach(function (fact) {
      var match = matches(fact, text, wanted);
      if (match) count++;
      var hide = !match || count > limit;
      if (fact.row.hidden !== hide) fact.row.hidden = hide;
    });
    others.forEach(function (row) {
      var hide = state.target !== null && row.getAttribute('data-target') !== state.target;
      if (row.hidden !== hide) row.hidden = hide;
    });
    shown.textContent = Math.min(count, limit) + ' of ' + rows.length + ' certificates shown' +
      (count > limit ? ' (the first ' + limit + ' of ' + count + ' that match)' : '');
    more.hidden = count <= limit;
    if (!more.hidden) more.textContent = 'Show all ' + count;
    var labels = [];
    controls.forEach(function (control) {
      var on = state[control.getAttribute('data-filter')] === control.getAttribute('data-value');
      // Writing an attribute, even unchanged, makes the browser restyle the element: only what changed is written.
      if (control.getAttribute('aria-pressed') !== String(on)) control.setAttribute('aria-pressed', String(on));
      if (on) labels.push(control.getAttribute('data-label'));
    });
    active.textContent = labels.length > 0 ? 'Showing ' + labels.join(' · ') : '';
    clear.hidden = labels.length === 0;
  }
  function toggle(control) {
    var name = control.getAttribute('data-filter');
    var value = control.getAttribute('data-value');
    state[name] = state[name] === value ? null : value;
    apply();
  }
  controls.forEach(function (control) {
    control.addEventListener('click', function () { toggle(control); });
    if (control.tagName.toLowerCase() === 'button') return;
    control.addEventListener('keydown', function (event) {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      toggle(control);
    });
  });
  clear.addEventListener('click', function () {
    state.week = null;
    state.kind = null;
    state.target = null;
    apply();
  });
  more.addEventListener('click', function () {
    limit = Infinity;
    apply();
  });
  search.addEventListener('input', apply);
  boxes.forEach(function (box) { box.addEventListener('change', apply); });
  apply();
})();
`;

/**
 * The report's one script is allowed by its SHA-256 hash (CSP Level 2), not by 'unsafe-inline': a script injected
 * through certificate data (were escaping ever to miss a case) would not run. The hash covers the exact text between
 * <script> and </script>.
 */
const SCRIPT_HASH = `'sha256-${createHash('sha256').update(SCRIPT, 'utf8').digest('base64')}'`;

const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src 'unsafe-inline'; script-src ${SCRIPT_HASH}`;

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'];

function certificateRow(cert: ReportCertificate): string {
  const severity = worstSeverity(cert);
  const rank = severity === undefined ? SEVERITY_ORDER.length : SEVERITY_ORDER.indexOf(severity);
  const badges = cert.findings
    .map((code) => {
      const title = escapeHtml(`${findingRule(code).meaning} Fix: ${findingFix(code, cert)}`);
      return `<span class="f sev-${findingSeverity(code, cert)}" title="${title}">${escapeHtml(code)}</span>`;
    })
    .join('');
  const sans = cert.subjectAlternativeNames.filter((name) => name !== cert.domainName);
  const tags = Object.entries(cert.tags)
    .map(([key, value]) => `${escapeHtml(key)}=${escapeHtml(value)}`)
    .join('<br>');
  const account = cert.accountName
    ? `${escapeHtml(cert.accountName)}<br><small>${escapeHtml(cert.accountId)}</small>`
    : escapeHtml(cert.accountId);
  const cells = [
    `<td data-sort="${rank}"><span class="f sev">${escapeHtml(severity ?? 'none')}</span></td>`,
    `<td>${escapeHtml(cert.domainName)}${sans.length > 0 ? `<br><small>${escapeHtml(sans.join(', '))}</small>` : ''}` +
      `<br><small>${escapeHtml(cert.arn)}</small></td>`,
    `<td data-sort="${escapeHtml(cert.accountId)}">${account}</td>`,
    `<td>${escapeHtml(cert.region)}</td>`,
    `<td>${escapeHtml(cert.type)}</td>`,
    `<td>${escapeHtml(cert.status)}${cert.renewalStatus ? `<br><small>renewal ${escapeHtml(cert.renewalStatus)}</small>` : ''}</td>`,
    `<td class="num">${cert.daysToExpiry === undefined ? '' : escapeHtml(String(cert.daysToExpiry))}</td>`,
    `<td>${escapeHtml(cert.notAfter?.slice(0, 10) ?? '')}</td>`,
    `<td>${cert.inUse ? `yes${cert.inUseBy.length > 0 ? ` (${cert.inUseBy.length})` : ''}` : 'no'}</td>`,
    `<td data-sort="${escapeHtml(cert.findings.join(' '))}">${badges}${cert.notStored ? ' <small>not stored</small>' : ''}${diagnosisHtml(cert.diagnosis)}</td>`,
    `<td>${tags}</td>`,
  ];
  const title = cert.inUseBy.length > 0 ? ` title="${escapeHtml(`in use by ${cert.inUseBy.join(', ')}`)}"` : '';
  return (
    `<tr class="sev-${escapeHtml(severity ?? 'none')}" data-findings="${escapeHtml(cert.findings.join(' '))}"${outlookRowAttributes(cert)}${title}>` +
    `${cells.join('')}</tr>`
  );
}

/** The DNS diagnosis under the findings: its headline, opening to every entry with its fix. */
function diagnosisHtml(entries: ReportCertificate['diagnosis']): string {
  const headline = diagnosisHeadline(entries ?? []);
  if (entries === undefined || headline === undefined) return '';
  const items = entries
    .map((entry) => {
      const zone = entry.zone
        ? `<br>zone ${escapeHtml(entry.zone.name)} (${escapeHtml(entry.zone.hostedZoneId)}) in account ${escapeHtml(entry.zone.accountId)}`
        : '';
      return `<li><b>${escapeHtml(entry.domain)}</b> ${escapeHtml(entry.code)}: ${escapeHtml(entry.detail)}${zone}<br>Fix: ${escapeHtml(entry.fix)}</li>`;
    })
    .join('');
  return `<details class="dns"><summary>DNS: ${escapeHtml(headline)}</summary><ul>${items}</ul></details>`;
}

function failedTargets(report: Report): string {
  const failed = report.targets.filter((target) => target.status !== 'ok');
  if (failed.length === 0) return '';
  const rows = failed
    .map(
      (target) =>
        `<tr class="failed"><td>${escapeHtml(target.accountId)}${target.accountName ? ` ${escapeHtml(target.accountName)}` : ''}</td>` +
        `<td>${escapeHtml(target.region)}</td><td>${escapeHtml(target.status)}</td>` +
        `<td>${escapeHtml(target.errorCode ?? '')}</td><td>${escapeHtml(target.errorMessage ?? '')}</td></tr>`,
    )
    .join('\n');
  return (
    `<h2>Targets not fully scanned (${failed.length})</h2>\n` +
    '<table id="failed"><thead><tr><th>Account</th><th>Region</th><th>Status</th><th>Error</th><th>Message</th></tr></thead>\n' +
    `<tbody>\n${rows}\n</tbody></table>\n`
  );
}

export interface RenderHtmlOptions {
  /** The tables after the certificates. @default REPORT_SECTIONS */
  sections?: readonly ReportSection[];
}

function extraSections(report: Report, sections: readonly ReportSection[]): string {
  return sections
    .map((section) => {
      const body = section.render(report);
      if (body === undefined) return '';
      return (
        `<section class="extra" id="${escapeHtml(section.id)}" aria-labelledby="${escapeHtml(section.id)}-h">` +
        `<h2 id="${escapeHtml(section.id)}-h">${escapeHtml(typeof section.title === 'string' ? section.title : section.title(report))}</h2>\n${body}\n</section>\n`
      );
    })
    .join('');
}

export function renderHtml(report: Report, options: RenderHtmlOptions = {}): string {
  const present = FINDING_CODES.filter((code) => (report.summary.byFinding[code] ?? 0) > 0);
  const boxes = present
    .map(
      (code) =>
        `<label title="${escapeHtml(findingRule(code).meaning)}"><input type="checkbox" name="finding" value="${escapeHtml(code)}"> ` +
        `${escapeHtml(code)} (${report.summary.byFinding[code]})</label>`,
    )
    .join('\n');
  const headers = [
    ['Severity', 'num'],
    ['Domain', ''],
    ['Account', ''],
    ['Region', ''],
    ['Type', ''],
    ['Status', ''],
    ['Days', 'num'],
    ['Expires', ''],
    ['In use', ''],
    ['Findings', ''],
    ['Tags', ''],
  ]
    .map(([label, type]) => `<th${type ? ` data-type="${type}"` : ''}>${label}</th>`)
    .join('');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Certificate report ${escapeHtml(report.generatedAt)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Certificate report</h1>
<p class="meta">Generated ${escapeHtml(report.generatedAt)} · run ${escapeHtml(report.runId)}</p>
<p class="summary">${escapeHtml(summaryLine(report))}</p>
${timelineSection(report)}${gridSection(report)}${failedTargets(report)}<h2 id="certs-h">Certificates</h2>
<div class="filters"><span id="active" aria-live="polite"></span><button type="button" id="clear" hidden>Show all</button></div>
<div class="controls">
<input type="search" id="filter" placeholder="Filter by domain, account, tag…" aria-label="Filter">
${boxes}
<span id="shown"></span> <button type="button" id="more" hidden></button>
</div>
<table id="certs">
<thead><tr>${headers}</tr></thead>
<tbody>
${report.certificates.map(certificateRow).join('\n')}
</tbody>
</table>
${extraSections(report, options.sections ?? REPORT_SECTIONS)}<script>${SCRIPT}</script>
</body>
</html>
`;
}
