/** The report as CSV (RFC 4180: CRLF line ends, quotes doubled), one row per certificate, most urgent first. */
import type { Report, ReportCertificate } from './schema';

/** Cells spreadsheets would run as a formula. Tab and CR count too: some spreadsheets strip them first. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell of text that came from AWS or a person (domain, tag, reason): prefixed with `'` when a spreadsheet
 * would evaluate it as a formula, then quoted when it holds a comma, quote or line break.
 */
export function csvText(value: string): string {
  return csvField(FORMULA_START.test(value) ? `'${value}` : value);
}

/** A cell the report produced itself (numbers, booleans, enums): quoted when needed, never altered. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const COLUMNS: ReadonlyArray<readonly [string, (cert: ReportCertificate) => string]> = [
  ['account_id', (c) => csvText(c.accountId)],
  ['account_name', (c) => csvText(c.accountName ?? '')],
  ['region', (c) => csvText(c.region)],
  ['arn', (c) => csvText(c.arn)],
  ['domain_name', (c) => csvText(c.domainName)],
  ['subject_alternative_names', (c) => csvText(c.subjectAlternativeNames.join(' '))],
  ['type', (c) => csvField(c.type)],
  ['status', (c) => csvField(c.status)],
  ['key_algorithm', (c) => csvText(c.keyAlgorithm)],
  ['issuer', (c) => csvText(c.issuer ?? '')],
  ['not_before', (c) => csvField(c.notBefore ?? '')],
  ['not_after', (c) => csvField(c.notAfter ?? '')],
  ['days_to_expiry', (c) => csvField(c.daysToExpiry === undefined ? '' : String(c.daysToExpiry))],
  ['renewal_eligibility', (c) => csvField(c.renewalEligibility ?? '')],
  ['renewal_status', (c) => csvField(c.renewalStatus ?? '')],
  ['renewal_status_reason', (c) => csvText(c.renewalStatusReason ?? '')],
  ['in_use', (c) => csvField(String(c.inUse))],
  ['in_use_by', (c) => csvText(c.inUseBy.join(' '))],
  [
    'tags',
    (c) =>
      csvText(
        Object.entries(c.tags)
          .map(([key, value]) => `${key}=${value}`)
          .join('; '),
      ),
  ],
  ['findings', (c) => csvField(c.findings.join(' '))],
];

export function renderCsv(report: Report): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const cert of report.certificates) lines.push(COLUMNS.map(([, cell]) => cell(cert)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
