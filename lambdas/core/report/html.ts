/**
 * The report as one self-contained HTML file: inline CSS and a little inline JS (sort by column, filter by text
 * and by finding), no external assets, so it can be mailed or opened from S3 as is. Every value is escaped and
 * the data lives only in the markup, never inside the script; a CSP forbids loading anything else.
 */

import { createHash } from 'node:crypto';
import { crtShLink } from '../ct/finding';
import { diagnosisHeadline } from '../diagnosis/text';
import { findingFix, findingRule, findingSeverity, worstSeverity } from '../findings';
import { FINDING_CODES } from '../model';
import type { Report, ReportCertificate } from './schema';
import { summaryLine } from './table';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values alike. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

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
`;

// Sorting and filtering only; it reads nothing but the table's own attributes and text.
const SCRIPT = `
(function () {
  var table = document.getElementById('certs');
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var search = document.getElementById('filter');
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name=finding]'));
  var shown = document.getElementById('shown');
  function key(row, index, numeric) {
    var cell = row.cells[index];
    var value = cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent;
    if (!numeric) return value.toLowerCase();
    var n = parseFloat(value);
    return isNaN(n) ? Infinity : n;
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
    th.addEventListener('click', function () {
      var numeric = th.getAttribute('data-type') === 'num';
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) { other.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var order = rows.map(function (row, i) { return { row: row, i: i, k: key(row, index, numeric) }; });
      order.sort(function (a, b) {
        var c = a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i;
        return ascending ? c : -c;
      });
      order.forEach(function (item) { body.appendChild(item.row); });
    });
  });
  function apply() {
    var text = search.value.trim().toLowerCase();
    var wanted = boxes.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
    var count = 0;
    rows.forEach(function (row) {
      var findings = (row.getAttribute('data-findings') || '').split(' ');
      var byFinding = wanted.length === 0 || wanted.some(function (code) { return findings.indexOf(code) >= 0; });
      var byText = text === '' || row.textContent.toLowerCase().indexOf(text) >= 0;
      row.hidden = !(byFinding && byText);
      if (!row.hidden) count++;
    });
    shown.textContent = count + ' of ' + rows.length + ' certificates shown';
  }
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
    `<tr class="sev-${escapeHtml(severity ?? 'none')}" data-findings="${escapeHtml(cert.findings.join(' '))}"${title}>` +
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

const CT_STATUS_LABELS: Record<string, string> = {
  unknown: 'unknown',
  'amazon-outside-organization': 'Amazon, outside the organization',
  allowed: 'allowed',
  known: 'known (ACM)',
};

/** The CT watch's issuances, those needing attention first (the report keeps that order). */
function ctSection(report: Report): string {
  if (report.ct === undefined) return '';
  const { domains, issuances } = report.ct;
  const rows = issuances
    .map((issuance) => {
      const attention = issuance.status === 'unknown' || issuance.status === 'amazon-outside-organization';
      const detail = issuance.matchedArn ?? issuance.allowedBy ?? '';
      return (
        `<tr${attention ? ' class="failed"' : ''}><td>${escapeHtml(CT_STATUS_LABELS[issuance.status] ?? issuance.status)}</td>` +
        `<td>${escapeHtml(issuance.dnsNames.join(', '))}</td><td>${escapeHtml(issuance.issuer)}</td>` +
        `<td>${escapeHtml(issuance.notBefore.slice(0, 10))} → ${escapeHtml(issuance.notAfter.slice(0, 10))}</td>` +
        `<td>${escapeHtml(issuance.serial)}</td><td>${escapeHtml(issuance.matchedDomain)}</td><td>${escapeHtml(detail)}</td>` +
        `<td><a href="${escapeHtml(crtShLink(issuance.certSha256))}" rel="noopener noreferrer">crt.sh</a></td></tr>`
      );
    })
    .join('\n');
  const unknown = issuances.filter((i) => i.status === 'unknown' || i.status === 'amazon-outside-organization').length;
  return (
    `<h2>Certificate Transparency: ${unknown} issued outside the organization, ${issuances.length} in all</h2>\n` +
    `<p class="meta">Watching ${escapeHtml(domains.join(', ') || 'no domain')}</p>\n` +
    '<table id="ct"><thead><tr><th>Status</th><th>Names</th><th>Issuer</th><th>Valid</th><th>Serial</th><th>Watched domain</th><th>ACM certificate or allowed because</th><th>Certificate</th></tr></thead>\n' +
    `<tbody>\n${rows}\n</tbody></table>\n`
  );
}

export function renderHtml(report: Report): string {
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
${failedTargets(report)}${ctSection(report)}<div class="controls">
<input type="search" id="filter" placeholder="Filter by domain, account, tag…" aria-label="Filter">
${boxes}
<span id="shown"></span>
</div>
<table id="certs">
<thead><tr>${headers}</tr></thead>
<tbody>
${report.certificates.map(certificateRow).join('\n')}
</tbody>
</table>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
