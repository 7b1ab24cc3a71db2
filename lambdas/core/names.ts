/**
 * Every name that crosses a boundary between infra/ and lambdas/ (env vars, table schema, metric names,
 * defaults). Both sides import from here so they cannot drift.
 */

export const PRODUCT_NAME = 'cert-monitor';

/** Default name of the read-only role in every member account. */
export const DEFAULT_AUDIT_ROLE_NAME = 'CertAuditReadOnly';

/** AssumeRole session names start with this, so CloudTrail shows who scanned. */
export const ROLE_SESSION_PREFIX = 'cert-monitor';

/** Default days-to-expiry threshold of the EXPIRING finding. */
export const DEFAULT_EXPIRY_DAYS = 30;

/** THRESHOLD_CROSSED change thresholds (days to expiry), largest first. */
export const DEFAULT_CHANGE_THRESHOLDS = [30, 14, 7, 3, 1] as const;

/** Stored detail older than this is described again even when nothing else asks for it. */
export const DEFAULT_REFRESH_DAYS = 7;

/** ACM renews public certificates about 45 days before expiry; the renewal window we watch starts a bit earlier. */
export const RENEWAL_WINDOW_DAYS = 60;

/** Environment variables of the Lambda functions, read and validated once at cold start. */
export const ENV = {
  tableName: 'TABLE_NAME',
  workBucket: 'WORK_BUCKET',
  auditRoleName: 'AUDIT_ROLE_NAME',
  externalId: 'EXTERNAL_ID',
  organizationRoleArn: 'ORGANIZATION_ROLE_ARN',
  accounts: 'ACCOUNTS',
  excludedAccounts: 'EXCLUDED_ACCOUNTS',
  regions: 'REGIONS',
  expiryDays: 'EXPIRY_DAYS',
  changeThresholds: 'CHANGE_THRESHOLDS',
  refreshDays: 'REFRESH_DAYS',
  describeConcurrency: 'DESCRIBE_CONCURRENCY',
  slackSecretId: 'SLACK_SECRET_ARN',
  ownerTagKey: 'OWNER_TAG_KEY',
  schedulePeriodHours: 'SCHEDULE_PERIOD_HOURS',
  heartbeatGraceHours: 'HEARTBEAT_GRACE_HOURS',
  reportBaseUrl: 'REPORT_BASE_URL',
  /** Days change events and run records are kept (their TTL). */
  historyDays: 'HISTORY_DAYS',
  /** `off` turns the DNS diagnosis of failed validations and renewals off; anything else leaves it on. */
  dnsDiagnosis: 'DNS_DIAGNOSIS',
  /** `HOST:PORT,HOST:PORT` the diagnosis asks instead of the Lambda's own resolver; absent: the Lambda's. */
  dnsServers: 'DNS_SERVERS',
  /** Milliseconds a DNS lookup of the diagnosis waits per try. */
  dnsTimeoutMs: 'DNS_TIMEOUT_MS',
  /** The optional feature sets turned on (`certMonitor.features`), comma-separated; absent: the core scan alone. */
  features: 'FEATURES',
  /** The domains the CT watch polls, comma-separated; absent: the registrable domains of the certificates' names. */
  ctDomains: 'CT_DOMAINS',
  /** The CT search API (Cert Spotter API v1 compatible); absent: Cert Spotter's. */
  ctApiUrl: 'CT_API_URL',
  /** The secret holding the CT API key, beside the Slack secret; absent: no key. Never the key itself. */
  ctApiKeySecretId: 'CT_API_KEY_SECRET_ARN',
  /** The CT allow list, JSON (`[{"names": "*.cdn.example.com", "reason": "..."}]`); absent: none. */
  ctAllow: 'CT_ALLOW',
  /** Minutes between two polls of the CT watch (its schedule's period). */
  ctSchedulePeriodMinutes: 'CT_SCHEDULE_PERIOD_MINUTES',
  /** Milliseconds one TLS probe (lookup, connect, handshake) may take. */
  probeTimeoutMs: 'PROBE_TIMEOUT_MS',
  /** Probes in flight at once (per account in ScanTarget, for the user's endpoints in FinalizeRun). */
  probeConcurrency: 'PROBE_CONCURRENCY',
  /** The user's own endpoints, `host[:port]` comma-separated (`certMonitor.probe.endpoints`). */
  probeEndpoints: 'PROBE_ENDPOINTS',
  /** Node's own variable: a PEM file of extra roots, which the probe trusts too. Set on a function by hand. */
  extraCaCertificates: 'NODE_EXTRA_CA_CERTS',
  /**
   * The regions whose events are forwarded, comma-separated, when the real-time event path is deployed
   * (`certMonitor.events`); absent: it is not.
   */
  events: 'EVENTS',
  /** Owner routing's table (`certMonitor.routes`) as JSON; its destinations are keys of the Slack secret. */
  routes: 'ROUTES',
} as const;

/** The single DynamoDB table's schema; infra creates it, the store and the CLI use it. */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  /** Sparse index of the active alert states (only items carrying gsi1pk are in it): no Scan to find them. */
  attentionIndex: { name: 'attention', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
} as const;

/**
 * The only CloudWatch custom metrics (EMF) the Lambdas emit: exactly the ones an alarm watches, because every custom
 * metric is billed monthly. Everything the dashboard shows comes from the run's structured log lines (RUN_LOG).
 */
export const METRICS = {
  namespace: 'CertMonitor',
  serviceName: 'cert-monitor',
  /** 1 per completed run; the "no completed run" alarm treats its absence as breaching. */
  runCompleted: 'RunCompleted',
  /** 1 when Slack rejected a webhook (FinalizeRun or Heartbeat), else 0. */
  webhookBroken: 'SlackWebhookBroken',
} as const;

/**
 * The structured JSON log lines (Powertools Logger, one JSON object a line) the dashboard's Logs Insights queries
 * read: the `message` of each and the Lambda that writes it. Their other fields are the run's figures (RunFigures)
 * and the target's summary (ScanSummary), at the top level of the line.
 */
export const RUN_LOG = {
  /** FinalizeRun, once per run: the run's figures, findings by code under `findings`. */
  runCompleted: 'run completed',
  /** ScanTarget, once per account-region: status, error code, certificate count, throttles. */
  targetScanned: 'target scanned',
  /** ScanTarget, once per account (its Map child): regions, statuses, certificates, calls, throttles, duration. */
  accountScanned: 'account scanned',
} as const;

/** Lambda handler entry files (relative to the repository root) and their logical names. */
export const HANDLERS = {
  listTargets: 'lambdas/handlers/list-targets.ts',
  scanTarget: 'lambdas/handlers/scan-target.ts',
  finalizeRun: 'lambdas/handlers/finalize-run.ts',
  heartbeat: 'lambdas/handlers/heartbeat.ts',
  ctWatch: 'lambdas/handlers/ct-watch.ts',
  events: 'lambdas/handlers/events.ts',
} as const;

/** Dimensions of the metrics above: Powertools Metrics adds `service` (METRICS.serviceName) to every metric. */
export const METRIC_DIMENSIONS = {
  service: 'service',
} as const;

/**
 * The Slack secret's value as the stack creates it: JSON with both webhook URLs empty, which the Lambdas read as
 * "Slack not configured" (no error). Operators replace it with the real URLs.
 */
export const SLACK_SECRET_PLACEHOLDER = { digestWebhookUrl: '', alertsWebhookUrl: '' } as const;
