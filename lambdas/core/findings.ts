/**
 * Finding rules: what is wrong with a certificate, how bad it is and what on-call should try.
 * Rules are data (Prowler/Custodian style) over the plain certificate model; time is always a parameter.
 */
import type { AssessedCertificate, Certificate, FindingCode, Severity } from './model';
import { FINDING_CODES, renewedByAcm } from './model';
import { DEFAULT_EXPIRY_DAYS } from './names';
import { EXPIRING_FIX, RENEWAL_FAILED_FIX, VALIDATION_FIX } from './validation-advice';

export interface FindingContext {
  now: Date;
  /** EXPIRING fires at or below this many days to expiry. */
  expiryDays: number;
}

export interface FindingRule {
  code: FindingCode;
  /** Severity while the certificate is in use (attached to a load balancer, distribution, ...). */
  severity: Severity;
  /**
   * Severity when nothing uses the certificate: nothing breaks for users, so most findings matter less.
   * Absent: the same as `severity`.
   */
  severityWhenUnused?: Severity;
  /** One line: what the finding means. */
  meaning: string;
  /** The first thing on-call should try. */
  fix: string;
  applies(cert: Certificate, ctx: FindingContext): boolean;
}

/** Most severe first. */
const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

const DAY_MS = 86_400_000;

/** Whole days from `now` to notAfter, rounded down (negative once expired); undefined without a usable notAfter. */
export function daysToExpiry(cert: Pick<Certificate, 'notAfter'>, now: Date): number | undefined {
  if (cert.notAfter === undefined) return undefined;
  const notAfter = Date.parse(cert.notAfter);
  if (Number.isNaN(notAfter)) return undefined;
  return Math.floor((notAfter - now.getTime()) / DAY_MS);
}

/** A certificate is valid through its notAfter instant; it is expired strictly after it. */
function isPastNotAfter(cert: Certificate, now: Date): boolean {
  if (cert.notAfter === undefined) return false;
  const notAfter = Date.parse(cert.notAfter);
  return !Number.isNaN(notAfter) && now.getTime() > notAfter;
}

function isExpired(cert: Certificate, now: Date): boolean {
  // ACM can lag in flipping status to EXPIRED: the date decides as well.
  return cert.status === 'EXPIRED' || isPastNotAfter(cert, now);
}

/** The rules in the order findings are listed on a certificate (the order of FINDING_CODES). */
export const FINDING_RULES: readonly FindingRule[] = [
  {
    code: 'EXPIRED',
    severity: 'critical',
    severityWhenUnused: 'medium',
    meaning: 'The certificate has expired; clients using it get TLS errors.',
    fix: 'Replace it now: request or import a new certificate, attach it to every resource in inUseBy, then delete this one.',
    applies: (cert, { now }) => isExpired(cert, now),
  },
  {
    code: 'EXPIRING',
    severity: 'high',
    severityWhenUnused: 'low',
    meaning: 'The certificate expires within the expiry threshold and has not been renewed yet.',
    fix: 'Amazon-issued: check the renewal status and its DNS validation records; imported: import a renewed certificate with ImportCertificate over the same ARN.',
    // A revoked certificate is already unusable; its REVOKED finding says so.
    applies: (cert, { now, expiryDays }) => {
      if (cert.status === 'REVOKED' || isExpired(cert, now)) return false;
      const days = daysToExpiry(cert, now);
      return days !== undefined && days <= expiryDays;
    },
  },
  {
    code: 'RENEWAL_FAILED',
    severity: 'high',
    severityWhenUnused: 'medium',
    meaning: 'ACM tried to renew the certificate and failed; it will expire unless someone acts.',
    fix: 'Read renewalStatusReason; usually a missing DNS validation CNAME or a CAA record that does not allow amazon.com.',
    applies: (cert) => cert.renewalStatus === 'FAILED',
  },
  {
    code: 'PENDING_VALIDATION',
    severity: 'high',
    severityWhenUnused: 'medium',
    meaning:
      'ACM is waiting for domain validation before it can issue or renew the certificate (a new request times out after 72 hours).',
    fix: 'Complete the validation ACM is waiting for: create the DNS validation records listed for the certificate, approve the validation email, or serve the HTTP redirect, as the certificate validates.',
    applies: (cert) => cert.status === 'PENDING_VALIDATION' || cert.renewalStatus === 'PENDING_VALIDATION',
  },
  {
    code: 'ISSUANCE_FAILED',
    severity: 'medium',
    meaning: 'ACM could not issue the certificate (failed, or validation timed out after 72 hours).',
    fix: 'Read failureReason, fix the cause (CAA records, domain not allowed), then request a new certificate and delete this one.',
    // VALIDATION_TIMED_OUT is an issuance that failed too: the certificate will never be issued.
    applies: (cert) => cert.status === 'FAILED' || cert.status === 'VALIDATION_TIMED_OUT',
  },
  {
    code: 'REVOKED',
    severity: 'critical',
    severityWhenUnused: 'medium',
    meaning: 'The certificate was revoked; clients that check revocation reject it.',
    fix: 'Request or import a replacement, attach it everywhere this one is used, then delete this one.',
    applies: (cert) => cert.status === 'REVOKED',
  },
  {
    code: 'INELIGIBLE_FOR_RENEWAL',
    severity: 'medium',
    severityWhenUnused: 'low',
    meaning:
      'A resource uses this certificate, yet ACM says it will not renew it automatically: it will expire in place.',
    fix: "ACM renews a certificate once it is associated with a supported AWS service; ineligible while in use means ACM does not count the association (a service ACM does not track, or it is too recent to show), a name breaks ACM's Punycode rules, or (private) it was issued with Private CA's IssueCertificate. Plan a replacement before expiry: request a new certificate and move the resources to it.",
    // ACM marks every unused certificate ineligible, and that is by design: NOT_IN_USE already says it. Only an issued
    // certificate that something uses and that still will not renew is a problem; expired or failed ones have their
    // own findings.
    applies: (cert) =>
      renewedByAcm(cert) && cert.status === 'ISSUED' && cert.inUse && cert.renewalEligibility === 'INELIGIBLE',
  },
  {
    code: 'IMPORTED',
    severity: 'info',
    meaning: 'Imported certificates never renew automatically.',
    fix: 'Track its expiry and re-import a renewed certificate in time, or replace it with an ACM-issued one.',
    applies: (cert) => cert.type === 'IMPORTED',
  },
  {
    code: 'NOT_IN_USE',
    severity: 'info',
    meaning: 'No AWS resource uses this certificate.',
    fix: 'Delete it if nothing will use it again; ACM does not renew a certificate nothing uses (it shows as ineligible for renewal until attached).',
    applies: (cert) => !cert.inUse,
  },
];

const RULES_BY_CODE = new Map<FindingCode, FindingRule>(FINDING_RULES.map((rule) => [rule.code, rule]));

// Fails at module load if a code was added to the model without a rule.
for (const code of FINDING_CODES) {
  if (!RULES_BY_CODE.has(code)) throw new Error(`finding code ${code} has no rule in FINDING_RULES`);
}

/**
 * The fix for one finding on one certificate: the rule's fix, or, where validation is involved and the certificate
 * validates by email or HTTP, the advice for that method instead of DNS advice.
 */
export function findingFix(
  code: FindingCode,
  cert: { type?: Certificate['type']; validationMethod?: Certificate['validationMethod'] },
): string {
  const method = cert.validationMethod;
  if (method === undefined) return findingRule(code).fix;
  switch (code) {
    case 'PENDING_VALIDATION':
      return VALIDATION_FIX[method];
    case 'RENEWAL_FAILED':
      return method === 'DNS' ? findingRule(code).fix : RENEWAL_FAILED_FIX[method];
    case 'EXPIRING':
      return cert.type === 'AMAZON_ISSUED' && method !== 'DNS' ? EXPIRING_FIX[method] : findingRule(code).fix;
    default:
      return findingRule(code).fix;
  }
}

export function findingRule(code: FindingCode): FindingRule {
  const rule = RULES_BY_CODE.get(code);
  if (rule === undefined) throw new Error(`unknown finding code ${String(code)}`);
  return rule;
}

/** The severity of one finding on a certificate, given whether the certificate is in use. */
export function findingSeverity(code: FindingCode, cert: Pick<Certificate, 'inUse'>): Severity {
  const rule = findingRule(code);
  return cert.inUse ? rule.severity : (rule.severityWhenUnused ?? rule.severity);
}

/** 0 for critical up to 4 for info; 5 for "no finding at all". */
function severityRank(severity: Severity | undefined): number {
  return severity === undefined ? SEVERITIES.length : SEVERITIES.indexOf(severity);
}

/** The most severe of a certificate's findings; undefined when it has none. */
export function worstSeverity(cert: Pick<AssessedCertificate, 'findings' | 'inUse'>): Severity | undefined {
  let worst: Severity | undefined;
  for (const code of cert.findings) {
    const severity = findingSeverity(code, cert);
    if (severityRank(severity) < severityRank(worst)) worst = severity;
  }
  return worst;
}

export function assess(cert: Certificate, ctx: Partial<FindingContext> & { now: Date }): AssessedCertificate {
  const full: FindingContext = { now: ctx.now, expiryDays: ctx.expiryDays ?? DEFAULT_EXPIRY_DAYS };
  const findings = FINDING_RULES.filter((rule) => rule.applies(cert, full)).map((rule) => rule.code);
  const days = daysToExpiry(cert, full.now);
  const assessed: AssessedCertificate = { ...cert, findings };
  if (days !== undefined) assessed.daysToExpiry = days;
  return assessed;
}

function expiryTime(cert: Pick<Certificate, 'notAfter'>): number {
  const time = cert.notAfter === undefined ? Number.NaN : Date.parse(cert.notAfter);
  return Number.isNaN(time) ? Number.POSITIVE_INFINITY : time;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Most urgent first: worst finding's severity, then in use before unused, then soonest expiry (none last),
 * then ARN, account and region, so the order never depends on input order.
 */
export function compareUrgency(a: AssessedCertificate, b: AssessedCertificate): number {
  const bySeverity = severityRank(worstSeverity(a)) - severityRank(worstSeverity(b));
  if (bySeverity !== 0) return bySeverity;
  if (a.inUse !== b.inUse) return a.inUse ? -1 : 1;
  const expiryA = expiryTime(a);
  const expiryB = expiryTime(b);
  if (expiryA !== expiryB) return expiryA < expiryB ? -1 : 1;
  return compareStrings(a.arn, b.arn) || compareStrings(a.accountId, b.accountId) || compareStrings(a.region, b.region);
}
