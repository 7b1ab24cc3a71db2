/**
 * The next 90 days at a glance, computed once for every picture of it: the report's weekly chart and account ×
 * region grid, and the digest's one-line timeline and worst account-regions. One bucketing and one ranking, so the
 * report and the digest never disagree on what "the week of 15 December" holds or which place is worst.
 */
import { findingSeverity } from './findings';
import type { CertificateType, FindingCode, Severity } from './model';

/** How far ahead the timeline looks: the imported-certificate horizon the digest already uses. */
export const OUTLOOK_DAYS = 90;
/** Weeks of 7 days from today (day 0) through day 90: the last week holds days 84 to 90. */
export const OUTLOOK_WEEKS = Math.floor(OUTLOOK_DAYS / 7) + 1;

/**
 * What a bar's stack splits by: whether something serves the certificate (an expiry that takes a site down) and
 * whether ACM renews it (an imported one never does, so someone must act).
 */
export const OUTLOOK_KINDS = ['in-use-imported', 'in-use-acm', 'unused-imported', 'unused-acm'] as const;
export type OutlookKind = (typeof OUTLOOK_KINDS)[number];

export const OUTLOOK_KIND_LABELS: Record<OutlookKind, string> = {
  'in-use-imported': 'in use, imported',
  'in-use-acm': 'in use, renewed by ACM',
  'unused-imported': 'not in use, imported',
  'unused-acm': 'not in use, renewed by ACM',
};

/**
 * Findings that say something is wrong beyond the date itself. EXPIRING, EXPIRED, IMPORTED and NOT_IN_USE are left
 * out: the bar's position and its stack already show them.
 */
export const PROBLEM_FINDINGS: readonly FindingCode[] = [
  'RENEWAL_FAILED',
  'PENDING_VALIDATION',
  'ISSUANCE_FAILED',
  'REVOKED',
  'INELIGIBLE_FOR_RENEWAL',
];

/** The fields of a certificate the outlook reads: both a report row and an assessed certificate have them. */
export interface OutlookCertificate {
  accountId: string;
  accountName?: string;
  region: string;
  type: CertificateType;
  inUse: boolean;
  daysToExpiry?: number;
  findings: readonly FindingCode[];
}

export interface OutlookWeek {
  /** 0 for the week starting today. */
  index: number;
  /** The first and last day (days from now, inclusive) the week holds. */
  fromDay: number;
  toDay: number;
  total: number;
  byKind: Record<OutlookKind, number>;
  /** Certificates of this week that also carry a problem finding. */
  withProblem: number;
}

export interface Timeline {
  weeks: OutlookWeek[];
  /** Certificates expiring within the outlook. */
  total: number;
  /** Already expired: not on the timeline, which looks ahead, but worth a word next to it. */
  expired: number;
}

/** The week index a certificate's expiry falls in, or undefined when it is not within the next 90 days. */
export function outlookWeek(daysToExpiry: number | undefined): number | undefined {
  if (daysToExpiry === undefined || daysToExpiry < 0 || daysToExpiry > OUTLOOK_DAYS) return undefined;
  return Math.floor(daysToExpiry / 7);
}

export function outlookKind(cert: Pick<OutlookCertificate, 'inUse' | 'type'>): OutlookKind {
  const imported = cert.type === 'IMPORTED';
  if (cert.inUse) return imported ? 'in-use-imported' : 'in-use-acm';
  return imported ? 'unused-imported' : 'unused-acm';
}

export function hasProblem(cert: Pick<OutlookCertificate, 'findings'>): boolean {
  return cert.findings.some((code) => PROBLEM_FINDINGS.includes(code));
}

function emptyKinds(): Record<OutlookKind, number> {
  return { 'in-use-imported': 0, 'in-use-acm': 0, 'unused-imported': 0, 'unused-acm': 0 };
}

export function buildTimeline(certificates: readonly OutlookCertificate[]): Timeline {
  const weeks: OutlookWeek[] = Array.from({ length: OUTLOOK_WEEKS }, (_, index) => ({
    index,
    fromDay: index * 7,
    toDay: Math.min(index * 7 + 6, OUTLOOK_DAYS),
    total: 0,
    byKind: emptyKinds(),
    withProblem: 0,
  }));
  let total = 0;
  let expired = 0;
  for (const cert of certificates) {
    if (cert.daysToExpiry !== undefined && cert.daysToExpiry < 0) expired += 1;
    const index = outlookWeek(cert.daysToExpiry);
    const week = index === undefined ? undefined : weeks[index];
    if (week === undefined) continue;
    week.total += 1;
    week.byKind[outlookKind(cert)] += 1;
    if (hasProblem(cert)) week.withProblem += 1;
    total += 1;
  }
  return { weeks, total, expired };
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** One account in one region, with the worst finding any of its certificates carries. */
export interface AccountRegion {
  accountId: string;
  accountName?: string;
  region: string;
  certificates: number;
  /** Certificates carrying at least one finding. */
  withFindings: number;
  worst?: { severity: Severity; code: FindingCode; certificates: number };
  /** The scan of this account-region did not complete: its picture may be missing certificates. */
  scanIncomplete: boolean;
}

export interface OutlookTarget {
  accountId: string;
  accountName?: string;
  region: string;
  status: 'ok' | 'error' | 'partial';
}

/**
 * Every account-region that was scanned or holds a certificate, worst first: by the worst severity, then by how
 * many certificates carry it, then by how many carry any finding; ties by account and region, so the order is
 * stable from one run to the next.
 */
export function accountRegions(
  certificates: readonly OutlookCertificate[],
  targets: readonly OutlookTarget[] = [],
): AccountRegion[] {
  const cells = new Map<string, AccountRegion>();
  const cellOf = (item: { accountId: string; accountName?: string; region: string }) => {
    const key = `${item.accountId}#${item.region}`;
    let cell = cells.get(key);
    if (cell === undefined) {
      cell = {
        accountId: item.accountId,
        region: item.region,
        certificates: 0,
        withFindings: 0,
        scanIncomplete: false,
      };
      cells.set(key, cell);
    }
    if (cell.accountName === undefined && item.accountName) cell.accountName = item.accountName;
    return cell;
  };
  for (const target of targets) {
    const cell = cellOf(target);
    if (target.status !== 'ok') cell.scanIncomplete = true;
  }
  for (const cert of certificates) {
    const cell = cellOf(cert);
    cell.certificates += 1;
    if (cert.findings.length > 0) cell.withFindings += 1;
    const worst = worstFinding(cert);
    if (worst === undefined) continue;
    const current = cell.worst;
    if (current === undefined || SEVERITY_RANK[worst.severity] < SEVERITY_RANK[current.severity]) {
      cell.worst = { ...worst, certificates: 1 };
    } else if (worst.severity === current.severity) {
      current.certificates += 1;
      if (outranks(worst.code, current.code)) current.code = worst.code;
    }
  }
  return [...cells.values()].sort(compareAccountRegions);
}

function worstFinding(cert: OutlookCertificate): { severity: Severity; code: FindingCode } | undefined {
  let worst: { severity: Severity; code: FindingCode } | undefined;
  for (const code of cert.findings) {
    const severity = findingSeverity(code, cert);
    const rank = worst === undefined ? 5 : SEVERITY_RANK[worst.severity];
    if (
      worst === undefined ||
      SEVERITY_RANK[severity] < rank ||
      (severity === worst.severity && outranks(code, worst.code))
    ) {
      worst = { severity, code };
    }
  }
  return worst;
}

/** Of two findings of one severity, the one to name: a renewal or validation problem says more than a date. */
function outranks(code: FindingCode, other: FindingCode): boolean {
  return PROBLEM_FINDINGS.includes(code) && !PROBLEM_FINDINGS.includes(other);
}

function compareAccountRegions(a: AccountRegion, b: AccountRegion): number {
  const rank = (cell: AccountRegion) => (cell.worst === undefined ? 5 : SEVERITY_RANK[cell.worst.severity]);
  return (
    rank(a) - rank(b) ||
    (b.worst?.certificates ?? 0) - (a.worst?.certificates ?? 0) ||
    b.withFindings - a.withFindings ||
    (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0) ||
    (a.region < b.region ? -1 : a.region > b.region ? 1 : 0)
  );
}

/** Severities worth naming among the worst places: low and info findings are housekeeping, not a hot spot. */
export function isHotSpot(cell: AccountRegion): boolean {
  return cell.worst !== undefined && SEVERITY_RANK[cell.worst.severity] <= SEVERITY_RANK.medium;
}
