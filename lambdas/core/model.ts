/**
 * The certificate model shared by every layer: the scanner fills it, the rules read it, the store keeps it,
 * the reports and Slack messages render it. Plain data only (ISO-8601 strings for dates) so it crosses
 * JSON, DynamoDB and Step Functions payloads unchanged.
 */
import type { DiagnosisEntry } from './diagnosis/model';
import { likelyCauseOf } from './failures';

/** Re-exported so a certificate's diagnosis type is reached from the model like the rest of its fields. */
export type { DiagnosisEntry };

/** Every ACM `KeyAlgorithm`. ListCertificates returns only RSA_1024 and RSA_2048 unless all are requested. */
export const KEY_ALGORITHMS = [
  'RSA_1024',
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'EC_prime256v1',
  'EC_secp384r1',
  'EC_secp521r1',
] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/**
 * ACM answers `KeyAlgorithm` with hyphens (`RSA-2048`, `EC-prime256v1`) although its API model and the
 * `Includes.keyTypes` filter spell them with underscores (`RSA_2048`). Every report shows the underscore spelling,
 * the one a reader can paste into `--includes keyTypes=...`; a value this code does not know passes unchanged.
 */
export function normalizeKeyAlgorithm(value: string): string {
  const underscored = value.replace(/^(RSA|EC)-/, '$1_');
  return (KEY_ALGORITHMS as readonly string[]).includes(underscored) ? underscored : value;
}

/** Every key-pair origin. ListCertificates omits ACME unless it is named. */
export const KEY_PAIR_ORIGINS = ['AWS_MANAGED', 'CUSTOMER_PROVIDED', 'ACME'] as const;
export type KeyPairOrigin = (typeof KEY_PAIR_ORIGINS)[number];

export const CERTIFICATE_TYPES = ['AMAZON_ISSUED', 'IMPORTED', 'PRIVATE'] as const;
export type CertificateType = (typeof CERTIFICATE_TYPES)[number];

/**
 * ACM's managed renewal covers Amazon-issued (public) certificates and private ones from a Private CA, from 60 days
 * before expiry; imported certificates never renew.
 */
export function renewedByAcm(cert: { type: CertificateType }): boolean {
  return cert.type === 'AMAZON_ISSUED' || cert.type === 'PRIVATE';
}

export const CERTIFICATE_STATUSES = [
  'PENDING_VALIDATION',
  'ISSUED',
  'INACTIVE',
  'EXPIRED',
  'VALIDATION_TIMED_OUT',
  'REVOKED',
  'FAILED',
] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

/**
 * Statuses of a request that never became a certificate: still waiting for validation (ACM tries for 72 hours,
 * then sets VALIDATION_TIMED_OUT), timed out, or failed. Nothing can use it and it has no expiry to lapse.
 */
const NEVER_ISSUED_STATUSES: readonly CertificateStatus[] = ['PENDING_VALIDATION', 'VALIDATION_TIMED_OUT', 'FAILED'];

/** How long ACM tries to validate a new request before it sets VALIDATION_TIMED_OUT. */
export const VALIDATION_TIMEOUT_HOURS = 72;

export function isNeverIssued(cert: { status: CertificateStatus }): boolean {
  return NEVER_ISSUED_STATUSES.includes(cert.status);
}

export const RENEWAL_STATUSES = ['PENDING_AUTO_RENEWAL', 'PENDING_VALIDATION', 'SUCCESS', 'FAILED'] as const;
export type RenewalStatus = (typeof RENEWAL_STATUSES)[number];

export type RenewalEligibility = 'ELIGIBLE' | 'INELIGIBLE';

/** A DNS record ACM asks for to validate (or re-validate) a domain. */
export interface ValidationRecord {
  domainName: string;
  name: string;
  type: string;
  value: string;
}

/** How ACM validates the domains of an Amazon-issued certificate (`DomainValidation.ValidationMethod`). */
export const VALIDATION_METHODS = ['DNS', 'EMAIL', 'HTTP'] as const;
export type ValidationMethod = (typeof VALIDATION_METHODS)[number];

/** An HTTP validation ACM waits for (`HttpRedirect`): `redirectFrom` must redirect to `redirectTo`. */
export interface HttpRedirect {
  domainName: string;
  redirectFrom: string;
  redirectTo: string;
}

/** One account-region pair: the unit of scanning. */
export interface Target {
  accountId: string;
  accountName?: string;
  region: string;
}

/** The region written on a result that covers a whole account (its role or its regions could not be read). */
export const WHOLE_ACCOUNT = '*';

export function isWholeAccount(target: Pick<Target, 'region'>): boolean {
  return target.region === WHOLE_ACCOUNT;
}

/**
 * How many regions some targets cover: each distinct region once, and a whole-account result (an account that could
 * not be scanned at all) not as a region.
 */
export function countRegions(targets: ReadonlyArray<Pick<Target, 'region'>>): number {
  return new Set(targets.filter((target) => !isWholeAccount(target)).map((target) => target.region)).size;
}

/**
 * The one key of a target (or of the whole account) in maps and sets: `accountId#region`. An account id is 12 digits
 * and a region name has no `#`, so the key splits back without ambiguity (parseTargetKey).
 */
export function targetKey(target: Pick<Target, 'accountId' | 'region'>): string {
  return `${target.accountId}#${target.region}`;
}

export function parseTargetKey(key: string): Pick<Target, 'accountId' | 'region'> {
  const at = key.indexOf('#');
  return at < 0 ? { accountId: key, region: '' } : { accountId: key.slice(0, at), region: key.slice(at + 1) };
}

/**
 * One certificate as the monitor knows it. Fields from `CertificateSummary` are always present after a scan;
 * fields only `DescribeCertificate` gives (issuer, renewal summary, inUseBy, validation records, failure reason)
 * are carried over from the last describe when a run did not need to describe again (`describedAt` says when).
 */
export interface Certificate {
  accountId: string;
  accountName?: string;
  region: string;
  arn: string;
  domainName: string;
  subjectAlternativeNames: string[];
  /**
   * True while `subjectAlternativeNames` holds only the first 100 names ListCertificates gives
   * (`HasAdditionalSubjectAlternativeNames`); DescribeCertificate's full list replaces it and is kept from then on.
   */
  hasAdditionalSubjectAlternativeNames?: boolean;
  type: CertificateType;
  status: CertificateStatus;
  keyAlgorithm: string;
  keyPairOrigin?: string;
  managedBy?: string;
  exported?: boolean;
  issuer?: string;
  /**
   * DescribeCertificate's `Serial`, upper-case hex, colon-separated (probe/serial.ts): what the probe compares the
   * served certificate with. Absent until described, and for a certificate ACM never issued.
   */
  serial?: string;
  /** When the certificate was requested or imported (ISO-8601): the age of a request that was never issued. */
  createdAt?: string;
  notBefore?: string;
  notAfter?: string;
  importedAt?: string;
  renewalEligibility?: RenewalEligibility;
  renewalStatus?: RenewalStatus;
  renewalStatusReason?: string;
  failureReason?: string;
  /** How its domains validate (DescribeCertificate); the fix on-call gets depends on it. */
  validationMethod?: ValidationMethod;
  /** DNS validation: the records ACM waits for. */
  validationRecords?: ValidationRecord[];
  /** HTTP validation: the redirects ACM waits for. */
  httpRedirects?: HttpRedirect[];
  inUse: boolean;
  inUseBy: string[];
  tags: Record<string, string>;
  /** When DescribeCertificate last filled the detail fields (ISO-8601); absent when never described. */
  describedAt?: string;
}

export type TargetStatus = 'ok' | 'partial' | 'error';

/** The outcome of scanning one target. `partial` and `error` never remove certificates from the snapshot. */
export interface TargetResult {
  accountId: string;
  accountName?: string;
  region: string;
  status: TargetStatus;
  errorCode?: string;
  errorMessage?: string;
  /**
   * What most likely caused `errorCode` and what to check, written where the error was caught (the adapter knows
   * which call failed and what AWS said); the digest, the report and the coverage-gap alert show it as is.
   */
  likelyCause?: string;
  certificateCount: number;
  /** AWS calls made for this target, by `Service.Operation` (e.g. `ACM.DescribeCertificate`). */
  apiCalls: Record<string, number>;
  durationMs: number;
  startedAt: string;
  /**
   * Not listed this run: the target held no certificate at its last complete listing (`lastListedAt`), and no event
   * from it arrived since (the event path watches it). Its status is `ok` as of that listing.
   */
  skippedClean?: { lastListedAt: string };
}

/** The result of a target the run left unlisted as clean (core/events/skip.ts): as of its last listing. */
export function skippedCleanTarget(
  target: Pick<Target, 'accountId' | 'accountName' | 'region'>,
  lastListedAt: string,
): TargetResult {
  return {
    accountId: target.accountId,
    ...(target.accountName ? { accountName: target.accountName } : {}),
    region: target.region,
    status: 'ok',
    certificateCount: 0,
    apiCalls: {},
    durationMs: 0,
    startedAt: lastListedAt,
    skippedClean: { lastListedAt },
  };
}

/**
 * The result of a target (or a whole account, region WHOLE_ACCOUNT) that could not be scanned: nothing read, so
 * nothing counted and nothing removed. One builder, so every failure carries the same fields.
 */
export function failedTarget(
  target: Pick<Target, 'accountId' | 'accountName' | 'region'>,
  failure: { code: string; message: string; likelyCause?: string },
  at: { startedAt: string; durationMs?: number; apiCalls?: Record<string, number> },
): TargetResult {
  return {
    accountId: target.accountId,
    ...(target.accountName ? { accountName: target.accountName } : {}),
    region: target.region,
    status: 'error',
    errorCode: failure.code,
    errorMessage: failure.message,
    likelyCause: failure.likelyCause ?? likelyCauseOf(failure.code),
    certificateCount: 0,
    apiCalls: at.apiCalls ?? {},
    durationMs: at.durationMs ?? 0,
    startedAt: at.startedAt,
  };
}

export const CHANGE_TYPES = [
  'NEW',
  'REMOVED',
  'RENEWED',
  'REIMPORTED',
  'STATUS_CHANGED',
  'RENEWAL_STATUS_CHANGED',
  'ATTACHED',
  'DETACHED',
  'BECAME_INELIGIBLE',
  'THRESHOLD_CROSSED',
  'TAGS_CHANGED',
] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

/** One thing that changed about one certificate between two scans of its target. */
export interface Change {
  type: ChangeType;
  accountId: string;
  region: string;
  arn: string;
  domainName: string;
  /** One line a person can read, e.g. "renewal status PENDING_AUTO_RENEWAL → FAILED". */
  summary: string;
  before?: string;
  after?: string;
  /** ATTACHED / DETACHED: the resource ARNs that appeared or went away. */
  resources?: string[];
  /** THRESHOLD_CROSSED: the days threshold crossed. */
  threshold?: number;
}

export const FINDING_CODES = [
  'EXPIRED',
  'EXPIRING',
  'RENEWAL_FAILED',
  'PENDING_VALIDATION',
  'ISSUANCE_FAILED',
  'REVOKED',
  'INELIGIBLE_FOR_RENEWAL',
  'IMPORTED',
  'NOT_IN_USE',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** A certificate with what the rules concluded about it at a given time (the report's and digest's row). */
export interface AssessedCertificate extends Certificate {
  /** Whole days until notAfter (negative once expired); absent without notAfter. */
  daysToExpiry?: number;
  findings: FindingCode[];
  /**
   * The DNS diagnosis, for a certificate with a validation or renewal finding (diagnosis/diagnose.ts), made in this
   * run; absent when none was made (no finding that needs one, or no resolver configured).
   */
  diagnosis?: DiagnosisEntry[];
}
