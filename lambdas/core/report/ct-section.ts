/**
 * The report's table of Certificate Transparency issuances (issue G's watch): every unexpired certificate public CAs
 * logged for the watched domains, those issued outside the organization first (the report keeps that order). A
 * section of the page (sections.ts), so the account × region grid filters the rows of issuances ACM holds too.
 */
import { crtShLink } from '../ct/finding';
import { escapeHtml } from './escape';
import type { Report, ReportCt } from './schema';

const CT_STATUS_LABELS: Record<string, string> = {
  unknown: 'unknown',
  'amazon-outside-organization': 'Amazon, outside the organization',
  allowed: 'allowed',
  known: 'known (ACM)',
};

type ReportCtIssuance = ReportCt['issuances'][number];

function needsAttention(issuance: ReportCtIssuance): boolean {
  return issuance.status === 'unknown' || issuance.status === 'amazon-outside-organization';
}

/** `<account>#<region>` of the ACM certificate an issuance matched, so a grid cell filters it with its certificates. */
function targetOf(issuance: ReportCtIssuance): string | undefined {
  // arn:aws:acm:<region>:<account>:certificate/<id>; an issuance outside ACM has no target.
  const parts = issuance.matchedArn?.split(':');
  if (parts === undefined || parts.length < 6 || parts[2] !== 'acm' || !parts[3] || !parts[4]) return undefined;
  return `${parts[4]}#${parts[3]}`;
}

function ctRow(issuance: ReportCtIssuance): string {
  const detail = issuance.matchedArn ?? issuance.allowedBy ?? '';
  const target = targetOf(issuance);
  return (
    `<tr${needsAttention(issuance) ? ' class="failed"' : ''}${target ? ` data-target="${escapeHtml(target)}"` : ''}>` +
    `<td>${escapeHtml(CT_STATUS_LABELS[issuance.status] ?? issuance.status)}</td>` +
    `<td>${escapeHtml(issuance.dnsNames.join(', '))}</td><td>${escapeHtml(issuance.issuer)}</td>` +
    `<td>${escapeHtml(issuance.notBefore.slice(0, 10))} → ${escapeHtml(issuance.notAfter.slice(0, 10))}</td>` +
    `<td>${escapeHtml(issuance.serial)}</td><td>${escapeHtml(issuance.matchedDomain)}</td><td>${escapeHtml(detail)}</td>` +
    `<td><a href="${escapeHtml(crtShLink(issuance.certSha256))}" rel="noopener noreferrer">crt.sh</a></td></tr>`
  );
}

/** The section's heading: how many issuances were issued outside the organization, of how many. */
export function ctTitle(report: Report): string {
  const issuances = report.ct?.issuances ?? [];
  const outside = issuances.filter(needsAttention).length;
  return `Certificate Transparency: ${outside} issued outside the organization, ${issuances.length} in all`;
}

/** The CT watch's issuances, when the run watched CT. */
export function ctTable(report: Report): string | undefined {
  if (report.ct === undefined) return undefined;
  const { domains, issuances } = report.ct;
  return (
    `<p class="meta">Watching ${escapeHtml(domains.join(', ') || 'no domain')}</p>\n` +
    '<table id="ct-table"><thead><tr><th>Status</th><th>Names</th><th>Issuer</th><th>Valid</th><th>Serial</th>' +
    '<th>Watched domain</th><th>ACM certificate or allowed because</th><th>Certificate</th></tr></thead>\n' +
    `<tbody>\n${issuances.map(ctRow).join('\n')}\n</tbody></table>\n`
  );
}
