/**
 * Every setting of the deployed Lambdas, declared once: its environment variable, default, range and the Lambdas
 * that read it. The CDK config takes its defaults and ranges from here, the hub stack gives each Lambda exactly the
 * variables it reads (so no Lambda holds another's ExternalId), the handlers parse their environment from here,
 * and the CLI shows the same defaults. Before, each fact was written in three to five places and had drifted
 * (the heartbeat accepted a schedule period the config refused).
 *
 * Plain data over core constants: infra imports it without pulling in an SDK or a parser.
 */
import {
  DEFAULT_AUDIT_ROLE_NAME,
  DEFAULT_CHANGE_THRESHOLDS,
  DEFAULT_EXPIRY_DAYS,
  DEFAULT_REFRESH_DAYS,
  ENV,
} from './names';

/** The Lambdas of the hub stack, by the names HANDLERS uses (`events` only when the event path is on, `ctWatch` when the CT watch is). */
export const LAMBDA_NAMES = ['listTargets', 'scanTarget', 'finalizeRun', 'heartbeat', 'events', 'ctWatch'] as const;
export type LambdaName = (typeof LAMBDA_NAMES)[number];

/** Set by the Lambda runtime (and by the local runner): the hub region the clients call. */
const AWS_REGION_VARIABLE = 'AWS_REGION';

interface SettingBase {
  /** The environment variable: a contract with deployed stacks, never renamed. */
  readonly env: string;
  readonly readBy: readonly LambdaName[];
  /** What the value is, for error messages ("is required: the name of the state table"). */
  readonly what: string;
}

/**
 * How a value reaches the Lambda and what it holds:
 * - `resource`: a name the stack (or the Lambda runtime) fills in from a resource; required, no default;
 * - `wholeNumber`: decimal, within [min, max], `default` when absent;
 * - `text`: free text, `default` when absent (or absent when there is none);
 * - `list`: comma-separated `items`, each checked; absent or empty: not set;
 * - `days`: comma-separated whole days from min to max, sorted largest first; absent: `default`;
 * - `pattern`: one value matching `pattern`, else absent;
 * - `switch`: `off` turns the feature off, anything else (or nothing) leaves it on;
 * - `dnsServers`: `HOST:PORT,HOST:PORT`;
 * - `routes`: owner routing's table as JSON, destinations naming keys of the Slack secret; absent: no routing.
 */
export type Setting =
  | (SettingBase & { readonly kind: 'resource' })
  | (SettingBase & {
      readonly kind: 'wholeNumber';
      readonly default: number;
      readonly min: number;
      readonly max: number;
      readonly unit: string;
    })
  | (SettingBase & { readonly kind: 'text'; readonly default?: string; readonly maxLength: number })
  | (SettingBase & {
      readonly kind: 'list';
      readonly items: 'accountIds' | 'regionNames' | 'featureSets' | 'endpoints' | 'domainNames';
    })
  | (SettingBase & {
      readonly kind: 'days';
      readonly default: readonly number[];
      readonly min: number;
      readonly max: number;
    })
  | (SettingBase & { readonly kind: 'pattern'; readonly pattern: 'roleArn' | 'externalId' | 'httpUrl' })
  | (SettingBase & { readonly kind: 'switch' })
  | (SettingBase & { readonly kind: 'dnsServers' })
  | (SettingBase & { readonly kind: 'routes' });

export const SETTINGS = {
  region: { env: AWS_REGION_VARIABLE, kind: 'resource', what: 'the hub region, e.g. eu-west-1', readBy: LAMBDA_NAMES },
  tableName: { env: ENV.tableName, kind: 'resource', what: 'the name of the state table', readBy: LAMBDA_NAMES },
  workBucket: {
    env: ENV.workBucket,
    kind: 'resource',
    what: 'the name of the work-list bucket',
    // FinalizeRun finds the work list and writes the report where the listing in its event says.
    readBy: ['listTargets'],
  },
  slackSecretId: {
    env: ENV.slackSecretId,
    kind: 'resource',
    what: 'the ARN or name of the Slack webhook secret',
    readBy: ['finalizeRun', 'heartbeat', 'events', 'ctWatch'],
  },
  organizationRoleArn: {
    env: ENV.organizationRoleArn,
    kind: 'pattern',
    pattern: 'roleArn',
    what: 'the role ListTargets assumes to list the organization',
    readBy: ['listTargets'],
  },
  accounts: {
    env: ENV.accounts,
    kind: 'list',
    items: 'accountIds',
    what: 'the accounts to scan (absent: every ACTIVE account)',
    readBy: ['listTargets'],
  },
  excludedAccounts: {
    env: ENV.excludedAccounts,
    kind: 'list',
    items: 'accountIds',
    what: 'accounts never scanned',
    readBy: ['listTargets'],
  },
  regions: {
    env: ENV.regions,
    kind: 'list',
    items: 'regionNames',
    what: "the regions to scan (absent: each account's enabled regions)",
    readBy: ['scanTarget'],
  },
  auditRoleName: {
    env: ENV.auditRoleName,
    kind: 'text',
    default: DEFAULT_AUDIT_ROLE_NAME,
    maxLength: 64,
    what: 'the read-only role assumed in each account',
    readBy: ['scanTarget', 'events'],
  },
  externalId: {
    env: ENV.externalId,
    kind: 'pattern',
    pattern: 'externalId',
    what: 'the ExternalId every audit role requires',
    readBy: ['scanTarget', 'events'],
  },
  features: {
    env: ENV.features,
    kind: 'list',
    items: 'featureSets',
    what: 'the optional feature sets turned on',
    // FinalizeRun reads it for the probe: with `probe` on, the run's endpoints are reported and alerted on.
    readBy: ['scanTarget', 'finalizeRun', 'events'],
  },
  expiryDays: {
    env: ENV.expiryDays,
    kind: 'wholeNumber',
    default: DEFAULT_EXPIRY_DAYS,
    min: 1,
    max: 3650,
    unit: 'days',
    what: 'days to expiry from which a certificate (or what an endpoint serves) is EXPIRING',
    readBy: ['scanTarget', 'finalizeRun', 'events'],
  },
  changeThresholds: {
    env: ENV.changeThresholds,
    kind: 'days',
    default: DEFAULT_CHANGE_THRESHOLDS,
    min: 1,
    max: 3650,
    what: 'days to expiry at which a THRESHOLD_CROSSED change is recorded',
    readBy: ['scanTarget', 'events'],
  },
  refreshDays: {
    env: ENV.refreshDays,
    kind: 'wholeNumber',
    default: DEFAULT_REFRESH_DAYS,
    min: 1,
    max: 365,
    unit: 'days',
    what: 'age after which stored certificate detail is described again',
    readBy: ['scanTarget', 'events'],
  },
  describeConcurrency: {
    env: ENV.describeConcurrency,
    kind: 'wholeNumber',
    // Enough calls in flight to reach the rate with a few hundred ms of latency, few enough to stay polite.
    default: 5,
    min: 1,
    // ACM allows 10 DescribeCertificate calls per second per account and region.
    max: 10,
    unit: 'calls',
    what: 'DescribeCertificate calls in flight per account and region',
    readBy: ['scanTarget', 'events'],
  },
  ownerTagKey: {
    env: ENV.ownerTagKey,
    kind: 'text',
    default: 'owner',
    maxLength: 128,
    what: 'the tag naming the owner of a certificate',
    readBy: ['scanTarget', 'finalizeRun', 'heartbeat', 'events', 'ctWatch'],
  },
  historyDays: {
    env: ENV.historyDays,
    kind: 'wholeNumber',
    default: 90,
    min: 1,
    max: 3650,
    unit: 'days',
    what: 'days change events and run records are kept',
    readBy: LAMBDA_NAMES,
  },
  reportBaseUrl: {
    env: ENV.reportBaseUrl,
    kind: 'pattern',
    pattern: 'httpUrl',
    what: 'an http(s) address under which runs/<runId>/report.html is served',
    readBy: ['finalizeRun'],
  },
  dnsDiagnosis: {
    env: ENV.dnsDiagnosis,
    kind: 'switch',
    what: 'the DNS diagnosis of failed validations and renewals',
    readBy: ['finalizeRun', 'events'],
  },
  dnsServers: {
    env: ENV.dnsServers,
    kind: 'dnsServers',
    what: "the name servers the DNS diagnosis and the probe ask (absent: the Lambda's own resolver)",
    readBy: ['scanTarget', 'finalizeRun', 'events'],
  },
  dnsTimeoutMs: {
    env: ENV.dnsTimeoutMs,
    kind: 'wholeNumber',
    // Public resolvers answer in tens of milliseconds or not at all.
    default: 3_000,
    min: 100,
    max: 10_000,
    unit: 'milliseconds',
    what: 'how long a DNS lookup of the diagnosis waits per try',
    readBy: ['finalizeRun', 'events'],
  },
  probeTimeoutMs: {
    env: ENV.probeTimeoutMs,
    kind: 'wholeNumber',
    // An endpoint that has not finished a handshake in 5 s is unusable for a person anyway.
    default: 5_000,
    min: 100,
    max: 60_000,
    unit: 'milliseconds',
    what: 'how long one TLS probe (lookup, connect, handshake) may take',
    readBy: ['scanTarget', 'finalizeRun'],
  },
  probeConcurrency: {
    env: ENV.probeConcurrency,
    kind: 'wholeNumber',
    default: 50,
    min: 1,
    max: 500,
    unit: 'probes',
    what: 'TLS probes in flight at once',
    readBy: ['scanTarget', 'finalizeRun'],
  },
  probeEndpoints: {
    env: ENV.probeEndpoints,
    kind: 'list',
    items: 'endpoints',
    what: "the user's own endpoints to probe, host[:port] (certificates outside ACM)",
    readBy: ['finalizeRun'],
  },
  extraCaCertificates: {
    env: ENV.extraCaCertificates,
    kind: 'text',
    maxLength: 4_096,
    what: 'a PEM file of extra roots the probe trusts, as Node reads it',
    readBy: ['scanTarget', 'finalizeRun'],
  },
  routes: {
    env: ENV.routes,
    kind: 'routes',
    what: 'the owner routing table (JSON; its destinations are keys of the Slack secret)',
    // ListTargets reads what its account and OU rules need, FinalizeRun routes, the heartbeat delivers what is left.
    readBy: ['listTargets', 'finalizeRun', 'heartbeat', 'events'],
  },
  ctDomains: {
    env: ENV.ctDomains,
    kind: 'list',
    items: 'domainNames',
    what: "the domains the CT watch polls (absent: the registrable domains of the certificates' names)",
    readBy: ['ctWatch', 'finalizeRun'],
  },
  ctApiUrl: {
    env: ENV.ctApiUrl,
    kind: 'pattern',
    pattern: 'httpUrl',
    // FinalizeRun polls too (and lists CT in the digest) only when the stack sets it: the watch is deployed.
    what: "the CT search API, Cert Spotter API v1 compatible (absent: Cert Spotter's; FinalizeRun: no CT watch)",
    readBy: ['ctWatch', 'finalizeRun'],
  },
  ctApiKeySecretId: {
    env: ENV.ctApiKeySecretId,
    kind: 'text',
    maxLength: 2048,
    what: 'the ARN of the secret holding the CT API key (absent: no key)',
    readBy: ['ctWatch', 'finalizeRun'],
  },
  ctAllow: {
    env: ENV.ctAllow,
    kind: 'text',
    // Lambda's environment holds 4 KB in all.
    maxLength: 3072,
    what: 'the CT allow list as JSON',
    readBy: ['ctWatch', 'finalizeRun'],
  },
  ctSchedulePeriodMinutes: {
    env: ENV.ctSchedulePeriodMinutes,
    kind: 'wholeNumber',
    // Hourly: an issuance alerts within the hour, and 24 polls a day per domain stay far inside the API's
    // allowance without a key (about 100 queries an hour).
    default: 60,
    min: 15,
    max: 1440,
    unit: 'minutes',
    what: 'minutes between two polls of the CT watch',
    // The watch compares its queries an hour with the API's allowance without a key, and says when it needs one.
    readBy: ['ctWatch'],
  },
  schedulePeriodHours: {
    env: ENV.schedulePeriodHours,
    kind: 'wholeNumber',
    default: 24,
    min: 1,
    max: 168,
    unit: 'hours',
    what: 'hours between two scheduled runs',
    readBy: ['heartbeat'],
  },
  heartbeatGraceHours: {
    env: ENV.heartbeatGraceHours,
    kind: 'wholeNumber',
    default: 6,
    min: 1,
    max: 168,
    unit: 'hours',
    what: 'hours past the schedule period before the monitor counts as stopped',
    readBy: ['heartbeat'],
  },
  eventRegions: {
    env: ENV.events,
    kind: 'list',
    items: 'regionNames',
    what: 'the regions whose events are forwarded to the hub (absent: the event path is off)',
    // ListTargets leaves their clean targets unlisted; FinalizeRun reads the event path's record.
    readBy: ['listTargets', 'finalizeRun'],
  },
} as const satisfies Record<string, Setting>;

export type SettingKey = keyof typeof SETTINGS;

/** The settings a Lambda reads, by key. */
export type SettingKeysOf<F extends LambdaName> = {
  [K in SettingKey]: F extends (typeof SETTINGS)[K]['readBy'][number] ? K : never;
}[SettingKey];

export function settingsReadBy(fn: LambdaName): SettingKey[] {
  return (Object.keys(SETTINGS) as SettingKey[]).filter((key) =>
    (SETTINGS[key].readBy as readonly LambdaName[]).includes(fn),
  );
}

/** Defaults other modules name directly (the CLI, the stores, the scanners). */
export const DEFAULT_HISTORY_DAYS = SETTINGS.historyDays.default;
export const DEFAULT_DESCRIBE_CONCURRENCY = SETTINGS.describeConcurrency.default;
export const DEFAULT_OWNER_TAG_KEY = SETTINGS.ownerTagKey.default;
export const DEFAULT_DNS_TIMEOUT_MS = SETTINGS.dnsTimeoutMs.default;
