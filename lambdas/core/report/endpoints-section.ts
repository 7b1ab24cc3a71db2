/**
 * The report's table of served endpoints (issue D's probe): what each endpoint served next to the ACM certificate it
 * is configured with. A section of the page (sections.ts), so the account × region grid filters its rows too.
 */
import { probeFindingRule } from '../probe/findings';
import { escapeHtml } from './escape';
import type { Report, ReportEndpoint } from './schema';

function endpointRow(endpoint: ReportEndpoint): string {
  const badges = endpoint.findings
    .map((code) => {
      const rule = probeFindingRule(code);
      const title = escapeHtml(`${rule.meaning} Fix: ${rule.fix}`);
      return `<span class="f sev-${rule.severity}" title="${title}">${escapeHtml(code)}</span>`;
    })
    .join('');
  const served = endpoint.served;
  const servedCell = served
    ? `${escapeHtml(served.serial)}<br><small>${escapeHtml(served.subject)} · ${escapeHtml(served.issuer)}</small>` +
      `<br><small>expires ${escapeHtml(served.notAfter.slice(0, 10))} · ${escapeHtml(served.protocol)}` +
      `${served.chainComplete ? '' : ' · chain incomplete'}${served.hostnameMatches ? '' : ' · name not covered'}</small>`
    : '';
  const note = endpoint.skippedReason ?? (endpoint.error ? `${endpoint.error.reason}: ${endpoint.error.message}` : '');
  const address = endpoint.sni === endpoint.host ? '' : `<br><small>at ${escapeHtml(endpoint.host)}</small>`;
  const cells = [
    `<td>${escapeHtml(endpoint.status)}</td>`,
    `<td>${badges}</td>`,
    `<td>${escapeHtml(endpoint.sni || endpoint.host)}:${endpoint.port}${address}</td>`,
    `<td>${escapeHtml(endpoint.source)}${endpoint.resourceArn ? `<br><small>${escapeHtml(endpoint.resourceArn)}</small>` : ''}</td>`,
    `<td><small>${escapeHtml(endpoint.certificateArn ?? '')}</small></td>`,
    `<td>${servedCell}</td>`,
    `<td><small>${escapeHtml(note)}</small></td>`,
  ];
  const target =
    endpoint.accountId && endpoint.region
      ? ` data-target="${escapeHtml(`${endpoint.accountId}#${endpoint.region}`)}"`
      : '';
  return `<tr class="endpoint-${escapeHtml(endpoint.status)}"${target}>${cells.join('')}</tr>`;
}

/** What each endpoint served, when the run probed: the served side of the report, next to ACM's. */
export function endpointsTable(report: Report): string | undefined {
  const endpoints = report.endpoints;
  if (endpoints === undefined) return undefined;
  const counts = ['finding', 'unreachable', 'ok', 'skipped']
    .map((status) => `${endpoints.filter((e) => e.status === status).length} ${status}`)
    .join(' · ');
  return (
    `<p class="meta">${escapeHtml(counts)}</p>\n` +
    '<table id="endpoints-table"><thead><tr><th>Status</th><th>Findings</th><th>Endpoint</th><th>Found through</th>' +
    '<th>ACM certificate</th><th>Served</th><th>Note</th></tr></thead>\n' +
    `<tbody>\n${endpoints.map(endpointRow).join('\n')}\n</tbody></table>\n`
  );
}
