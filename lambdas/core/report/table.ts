/** The report as a terminal table, most urgent first, with the summary and the targets that failed. */
import { crtShLink } from '../ct/finding';
import { worstSeverity } from '../findings';
import type { Severity } from '../model';
import type { Report, ReportCertificate } from './schema';

export interface RenderTableOptions {
  /** ANSI colours by severity. @default false */
  color?: boolean;
}

const ANSI: Record<Severity, string> = {
  critical: '\u001b[1;31m',
  high: '\u001b[31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
  info: '\u001b[2m',
};
const RESET = '\u001b[0m';

// Values come from AWS (domains, tags, account names): never let them move the cursor or recolour the terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function terminalSafe(value: string): string {
  return value.replace(CONTROL, '?');
}

function clip(value: string, width: number): string {
  const safe = terminalSafe(value);
  return safe.length <= width ? safe : `${safe.slice(0, width - 1)}…`;
}

function accountLabel(accountId: string, accountName: string | undefined): string {
  return accountName ? `${accountId} ${accountName}` : accountId;
}

const HEADERS = ['DOMAIN', 'ACCOUNT', 'REGION', 'TYPE', 'STATUS', 'DAYS', 'IN USE', 'FINDINGS'] as const;

function row(cert: ReportCertificate): string[] {
  return [
    clip(cert.domainName, 60),
    clip(accountLabel(cert.accountId, cert.accountName), 34),
    clip(cert.region, 16),
    cert.type,
    cert.status,
    cert.daysToExpiry === undefined ? '-' : String(cert.daysToExpiry),
    cert.inUse ? 'yes' : 'no',
    `${cert.findings.join(',')}${cert.notStored ? `${cert.findings.length > 0 ? ' ' : ''}(not stored)` : ''}`,
  ];
}

/** One line: how many certificates, accounts, regions, findings and failed targets. */
export function summaryLine(report: Report): string {
  const { summary } = report;
  const findings = Object.entries(summary.byFinding)
    .filter(([, count]) => count > 0)
    .map(([code, count]) => `${code} ${count}`)
    .join(', ');
  const failed = summary.targetsFailed === 1 ? '1 target failed' : `${summary.targetsFailed} targets failed`;
  return (
    `${summary.certificates} certificate(s) in ${summary.accounts} account(s), ${summary.regions} region(s); ` +
    `findings: ${findings || 'none'}; ${failed}`
  );
}

export function renderTable(report: Report, options: RenderTableOptions = {}): string {
  const rows = report.certificates.map(row);
  const widths = HEADERS.map((header, column) =>
    Math.max(header.length, ...rows.map((cells) => (cells[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();

  const out: string[] = [];
  out.push(line(HEADERS));
  report.certificates.forEach((cert, index) => {
    const text = line(rows[index] ?? []);
    const severity = worstSeverity(cert);
    out.push(options.color && severity !== undefined ? `${ANSI[severity]}${text}${RESET}` : text);
  });
  if (report.certificates.length === 0) out.push('(no certificates)');
  out.push('');
  out.push(summaryLine(report));

  const failed = report.targets.filter((target) => target.status !== 'ok');
  if (failed.length > 0) {
    out.push('');
    out.push('Targets not fully scanned:');
    for (const target of failed) {
      const code = target.errorCode ? ` ${terminalSafe(target.errorCode)}` : '';
      const message = target.errorMessage ? `: ${terminalSafe(target.errorMessage)}` : '';
      out.push(
        `  ${terminalSafe(accountLabel(target.accountId, target.accountName))} ${terminalSafe(target.region)} ` +
          `${target.status}${code}${message}`,
      );
    }
  }
  out.push(...endpointLines(report));
  if (report.ct !== undefined) out.push('', ...ctLines(report.ct));
  return `${out.join('\n')}\n`;
}

/** With probing: the endpoints that need a look (findings, unreachable), one line each, and the counts. */
function endpointLines(report: Report): string[] {
  const endpoints = report.endpoints;
  if (endpoints === undefined) return [];
  const notable = endpoints.filter((e) => e.status === 'finding' || e.status === 'unreachable');
  const counts = ['ok', 'finding', 'unreachable', 'skipped']
    .map((status) => `${endpoints.filter((e) => e.status === status).length} ${status}`)
    .join(', ');
  const lines = ['', `Endpoints probed: ${counts}`];
  for (const e of notable) {
    const at = e.host === e.sni ? '' : ` at ${e.host}`;
    const served = e.served ? ` serves ${e.served.serial} until ${e.served.notAfter.slice(0, 10)}` : '';
    const why = e.error ? ` ${e.error.reason}: ${e.error.message}` : '';
    lines.push(terminalSafe(`  ${e.sni}:${e.port}${at} ${e.findings.join(' ')}${served}${why}`));
  }
  return lines;
}

/** The CT watch in the terminal: what is watched, then each issuance outside the organization, with its link. */
function ctLines(ct: NonNullable<Report['ct']>): string[] {
  const outside = ct.issuances.filter((i) => i.status === 'unknown' || i.status === 'amazon-outside-organization');
  const lines = [
    `Certificate Transparency (watching ${terminalSafe(ct.domains.join(', ') || 'no domain')}): ${outside.length} issued outside the organization, ${ct.issuances.length} in all`,
  ];
  for (const issuance of outside) {
    const amazon = issuance.status === 'amazon-outside-organization' ? ' (Amazon, another AWS account)' : '';
    lines.push(
      `  ${terminalSafe(issuance.dnsNames.join(', '))} by ${terminalSafe(issuance.issuer)}${amazon}, until ${issuance.notAfter.slice(0, 10)}: ${crtShLink(issuance.certSha256)}`,
    );
  }
  return lines;
}
