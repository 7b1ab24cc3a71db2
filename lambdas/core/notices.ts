/**
 * What the alerting engine decides to tell people, as plain data. The Slack renderers turn these into
 * Block Kit; the engine never formats text for a channel.
 */
import type { CtIssuanceEntry, CtReport } from './ct/model';
import type { EventPathVerdict } from './events/health';
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
import type { EndpointChange } from './probe/history';
import type {
  EndpointResult,
  EndpointSource,
  ProbeFindingCode,
  ServedCertificate,
  UnreachableKind,
} from './probe/model';
import type { Route } from './routing/resolve';

export const INCIDENT_KINDS = [
  'RENEWAL_FAILED',
  'PENDING_VALIDATION',
  'EXPIRING_IN_USE',
  'EXPIRED_IN_USE',
  'COVERAGE_GAP',
  /** The monitor's own state table keeps failing (core/monitor-health.ts): the monitor's trouble, not an account's. */
  'MONITOR_STATE_TABLE',
  /** What an endpoint serves (core/probe/incidents.ts): another certificate than ACM's, or one not for its name. */
  'ENDPOINT_MISMATCH',
  /** A certificate outside ACM served by a user's endpoint has expired, or expires within days. */
  'ENDPOINT_EXPIRED',
  'ENDPOINT_EXPIRING',
  /** An endpoint no probe reached for several runs in a row. */
  'ENDPOINT_UNREACHABLE',
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
  /**
   * Where its messages go when owner routing is on, each destination once (core/routing): kept with the incident so
   * its "resolved" message reaches the same teams as its "opened" one, even once the certificate is gone.
   */
  routes?: Route[];
  /**
   * What the incident is about when that is not a certificate ARN (an endpoint's identity): two incidents with one
   * subject are the same problem escalating, as two with one `arn` are.
   */
  subject?: string;
  /** ENDPOINT_*: the first endpoint with the problem and what it served. */
  endpoint?: IncidentEndpoint;
  /** ENDPOINT_*: every endpoint with the problem (core/probe/history.ts endpointIdentity), for its resolution. */
  endpointIdentities?: string[];
  /** ENDPOINT_*: the other endpoints with the problem, up to a cap, as the alert lists them. */
  otherEndpoints?: Array<Pick<IncidentEndpoint, 'host' | 'port' | 'sni' | 'source'>>;
  /** ENDPOINT_*: the ACM certificate the endpoint should serve (absent for a user's endpoint). */
  certificateArn?: string;
}

/** An endpoint as an incident shows it (core/probe/model.ts has the full result). */
export interface IncidentEndpoint {
  host: string;
  port: number;
  sni: string;
  source: EndpointSource;
  resourceArn?: string;
  served?: ServedCertificate;
  /** Serials of ACM's certificates for it (upper-case hex); empty for a user's endpoint. */
  expectedSerials: string[];
  findings: ProbeFindingCode[];
  error?: { reason: UnreachableKind; message: string };
  unreachableRuns: number;
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
  /** With owner routing: the destination this copy of the notice is for (one copy per destination). */
  destination?: string;
  /** With owner routing: why it goes there ("routed by tag team=web", "no owner"). */
  route?: Route;
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
  /** This run's probed endpoints (the `probe` feature set, `--probe`); absent: the digest has no endpoint section. */
  endpoints?: EndpointResult[];
  /** Endpoints whose served certificate changed since the last run. */
  endpointChanges?: EndpointChange[];
  /** The real-time event path, when it is on: how many of `changes` its rescans found, and whether it looks alive. */
  eventPath?: { changesFromEvents: number; verdict: EventPathVerdict };
}
