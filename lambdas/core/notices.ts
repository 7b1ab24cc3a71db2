/**
 * What the alerting engine decides to tell people, as plain data. The Slack renderers turn these into
 * Block Kit; the engine never formats text for a channel.
 */
import type { CtIssuanceEntry, CtReport } from './ct/model';
import type {
  AssessedCertificate,
  CertificateType,
  Change,
  DiagnosisEntry,
  HttpRedirect,
  TargetResult,
  ValidationMethod,
  ValidationRecord,
} from './model';

export const INCIDENT_KINDS = [
  'RENEWAL_FAILED',
  'PENDING_VALIDATION',
  'EXPIRING_IN_USE',
  'EXPIRED_IN_USE',
  'COVERAGE_GAP',
  /** The monitor's own state table keeps failing (core/monitor-health.ts): the monitor's trouble, not an account's. */
  'MONITOR_STATE_TABLE',
  /** A CT log shows a certificate for a watched domain that no ACM account of the organization holds (core/ct). */
  'CT_UNKNOWN_ISSUANCE',
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** Something on-call must act on. `key` is deterministic: the same problem on the next run has the same key. */
export interface Incident {
  key: string;
  kind: IncidentKind;
  accountId: string;
  accountName?: string;
  region: string;
  arn?: string;
  domainName?: string;
  type?: CertificateType;
  notAfter?: string;
  daysToExpiry?: number;
  /** Renewal failure reason, or the coverage gap's error message. */
  reason?: string;
  errorCode?: string;
  /** A coverage gap's likely cause, as its target result carries it. */
  likelyCause?: string;
  /** How the certificate validates: decides the advice of validation and renewal alerts. */
  validationMethod?: ValidationMethod;
  /** PENDING_VALIDATION: the DNS records to create. */
  validationRecords?: ValidationRecord[];
  /** PENDING_VALIDATION by HTTP: the redirects to serve. */
  httpRedirects?: HttpRedirect[];
  inUseBy?: string[];
  /** Value of the owner tag, when the certificate has one. */
  owner?: string;
  /**
   * The certificate's DNS diagnosis as of this run: every run re-checks it, so a reminder tells whether the record
   * on-call was asked to create is there now, before ACM retries.
   */
  diagnosis?: DiagnosisEntry[];
  /** Problems of the diagnosis left out of `diagnosis` (it keeps the first ones only). */
  diagnosisOmitted?: number;
  /** CT_UNKNOWN_ISSUANCE: the issuance, as the report shows it. */
  ct?: CtIssuanceEntry;
}

export type NoticeStage = 'opened' | 'reminder' | 'resolved';

/** One message to on-call about one incident. `id` is deterministic so a retried send is recognised. */
export interface AlertNotice {
  id: string;
  stage: NoticeStage;
  incident: Incident;
  /** Reminder: the days-to-expiry threshold that triggered it. */
  threshold?: number;
  openedAt: string;
}

export type HeartbeatStage = 'stale' | 'reminder' | 'recovered';

/** The dead-man heartbeat's message: the monitor has not completed a run in time (or has again). */
export interface HeartbeatNotice {
  stage: HeartbeatStage;
  now: string;
  lastCompletedAt?: string;
  periodHours: number;
  graceHours: number;
}

/** Everything the daily digest shows. */
export interface DigestInput {
  runId: string;
  generatedAt: string;
  expiryDays: number;
  targets: TargetResult[];
  certificates: AssessedCertificate[];
  changes: Change[];
  /** Where the full report lives (S3 console link or a file path), shown when the digest truncates. */
  reportLocation?: string;
  /**
   * The monitor's first completed run: every certificate is new to it, so the changes are summed up as the
   * baseline instead of being listed as new.
   */
  firstRun?: boolean;
  /** The CT watch's domains and verdicts, when the run watched CT: the digest lists what is still unknown. */
  ct?: CtReport;
}
