/**
 * The `audit` command line: options, help text and validation. Pure: it reads only the argv and env it is given,
 * so every rule is unit-tested without a process. Commander tokenises and prints help; Zod checks the values and
 * every problem becomes one line naming the option and how to fix it.
 */
import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';
import { CORE_FEATURE_SET, FEATURE_SET_NAMES } from '../aws/permissions';
import { DEFAULT_DESCRIBE_RATE_PER_SECOND } from '../aws/rate-limit';
import { DEFAULT_OWNER_TAG_KEY } from '../core/changes';
import { parseDnsServers } from '../core/diagnosis/servers';
import { DEFAULT_AUDIT_ROLE_NAME, DEFAULT_EXPIRY_DAYS } from '../core/names';
import { AWS_REGIONS, isKnownRegion, looksLikeRegion } from '../core/regions';
import { isAllowedWebhookUrl, WEBHOOK_URL_RULE } from '../core/slack/webhook-url';
import { DEFAULT_PROBE_CONCURRENCY, DEFAULT_PROBE_TIMEOUT_MS } from '../net/tls-probe';
import { DEFAULT_ACCOUNT_CONCURRENCY } from '../scan/audit';

export const REPORT_FORMATS = ['table', 'json', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Environment variables the command reads (the command-line options win over them). */
export const CLI_ENV = {
  slackWebhookUrl: 'SLACK_WEBHOOK_URL',
  alertsWebhookUrl: 'SLACK_ALERTS_WEBHOOK_URL',
} as const;

export const MAX_CONCURRENCY = 64;
export const MAX_EXPIRY_DAYS = 3650;
export const MAX_DESCRIBE_RATE = 100;
export const MIN_PROBE_TIMEOUT_MS = 100;
export const MAX_PROBE_TIMEOUT_MS = 60_000;
export const MAX_PROBE_CONCURRENCY = 500;

export interface CliOptions {
  /** Explicit account ids, or every ACTIVE account of the organization. */
  accounts: 'organization' | string[];
  excludeAccounts: string[];
  /** Explicit regions, or each account's enabled regions. */
  regions: 'enabled' | string[];
  roleName: string;
  externalId?: string;
  expiryDays: number;
  format: ReportFormat;
  /** Where the report goes; absent: stdout. */
  output?: string;
  /** An earlier JSON report to compare with. */
  compare?: string;
  slackWebhookUrl?: string;
  alertsWebhookUrl?: string;
  concurrency: number;
  /** DescribeCertificate (and per-certificate tag reads) per second in each account-region. */
  describeRate: number;
  stateTable?: string;
  ownerTagKey: string;
  /** The time findings and days to expiry are computed at; absent: now. */
  asOf?: Date;
  /** `HOST:PORT` name servers every name is resolved through (the DNS diagnosis); absent: the system's. */
  dnsServers?: string[];
  /** Optional feature sets to run, as `certMonitor.features` names them (`dns-diagnosis`). */
  features?: string[];
  /** Probe what each endpoint serves (`--probe`, or implied by `--endpoints`): adds the `probe` feature set. */
  probe: boolean;
  /** The user's endpoints file (`--endpoints`). */
  endpointsFile?: string;
  probeTimeoutMs: number;
  probeConcurrency: number;
  debug: boolean;
}

export type ParseResult =
  | { kind: 'run'; options: CliOptions; warnings: string[] }
  /** `--help` (or `--version`): print `text` to stdout and exit 0. */
  | { kind: 'help'; text: string }
  /** Bad usage: print `message` (one line) and exit 1. */
  | { kind: 'error'; message: string };

export type Env = Readonly<Record<string, string | undefined>>;

const EXAMPLES = `
Examples:
  # every ACTIVE account of the organization, each in its enabled regions (management or delegated-admin credentials)
  $ npm run --silent audit

  # two accounts in two regions, as JSON, compared with yesterday's report
  $ npm run --silent audit -- --accounts 111111111111,222222222222 --regions us-east-1,eu-west-1 \\
      --format json --output today.json --compare yesterday.json

  # a daily CI job that remembers state and alerts on-call once per incident
  $ npm run --silent audit -- --state-table cert-monitor-state --alerts-webhook-url "$ALERTS_URL" --format html --output report.html

Environment:
  ${CLI_ENV.slackWebhookUrl}         default of --slack-webhook-url
  ${CLI_ENV.alertsWebhookUrl}  default of --alerts-webhook-url
  AWS_PROFILE, AWS_ACCESS_KEY_ID, ...  credentials (the AWS SDK's default chain)
  AWS_REGION                the region STS and Organizations are called in (default us-east-1)
  AWS_ENDPOINT_URL[_<SERVICE>]  endpoint overrides, as the AWS SDK reads them (e.g. AWS_ENDPOINT_URL_DYNAMODB)
  NO_COLOR                  no colours in the table

Exit codes:
  0  every target was scanned and the report written
  2  the report was written but some targets failed (or a Slack message was not delivered)
  1  nothing useful was done: bad usage, no credentials, unreadable --compare, unwritable --output
`;

/** An option whose help ends with its default, shown as the user would type or read it. */
function option(flags: string, description: string, shownDefault?: string, value?: string): Option {
  const opt = new Option(flags, shownDefault === undefined ? description : `${description} (default: ${shownDefault})`);
  return value === undefined ? opt : opt.default(value);
}

function buildProgram(): Command {
  return new Command('audit')
    .description(
      'One-shot audit of every ACM certificate across AWS accounts and regions: a report by urgency, ' +
        'optional comparison with an earlier report, Slack digest, and state shared with the deployed monitor.',
    )
    .addOption(
      option(
        '--accounts <ids>',
        'comma-separated 12-digit account ids, e.g. 111111111111,222222222222',
        'every ACTIVE account of the organization; needs management or delegated-admin credentials',
      ),
    )
    .addOption(option('--exclude-accounts <ids>', 'accounts to leave out, e.g. 333333333333', 'none'))
    .addOption(
      option(
        '--regions <names>',
        'comma-separated region names, e.g. us-east-1,eu-west-1',
        "each account's enabled regions",
      ),
    )
    .addOption(
      option(
        '--allow-unknown-regions',
        'accept region names newer than this version if they look like one, e.g. --regions xx-east-9',
        'off',
      ),
    )
    .addOption(
      option(
        '--role-name <name>',
        'read-only audit role assumed in each account, e.g. AuditRole',
        DEFAULT_AUDIT_ROLE_NAME,
        DEFAULT_AUDIT_ROLE_NAME,
      ),
    )
    .addOption(option('--external-id <id>', 'ExternalId the audit role requires, e.g. my-org-audit', 'none'))
    .addOption(
      option(
        '--expiry-days <n>',
        'flag certificates expiring within this many days, e.g. 45',
        String(DEFAULT_EXPIRY_DAYS),
        String(DEFAULT_EXPIRY_DAYS),
      ),
    )
    .addOption(
      option(
        '--format <format>',
        `report format: ${REPORT_FORMATS.join(', ')}; e.g. --format json`,
        'table, or what the --output file name ends with (.json, .csv, .html)',
        'table',
      ),
    )
    .addOption(option('--output <file>', 'write the report to this file (atomically), e.g. report.html', 'stdout'))
    .addOption(
      option(
        '--compare <earlier.json>',
        'show what changed since an earlier JSON report, e.g. --compare yesterday.json',
        'no comparison',
      ),
    )
    .addOption(
      option(
        '--slack-webhook-url <url>',
        'post the digest to this Slack incoming webhook, e.g. https://hooks.slack.com/services/...',
        `$${CLI_ENV.slackWebhookUrl}, else no digest`,
      ),
    )
    .addOption(
      option(
        '--concurrency <n>',
        `accounts scanned at once (each account's regions side by side), 1 to ${MAX_CONCURRENCY}; e.g. 4`,
        String(DEFAULT_ACCOUNT_CONCURRENCY),
        String(DEFAULT_ACCOUNT_CONCURRENCY),
      ),
    )
    .addOption(
      option(
        '--describe-rate <n>',
        `DescribeCertificate calls per second per account and region, 1 to ${MAX_DESCRIBE_RATE} (ACM's quota is 10; ` +
          'raise it only where the quota was raised), e.g. 5',
        String(DEFAULT_DESCRIBE_RATE_PER_SECOND),
        String(DEFAULT_DESCRIBE_RATE_PER_SECOND),
      ),
    )
    .addOption(
      option(
        '--state-table <name>',
        'DynamoDB table shared with the deployed monitor, created when missing: changes since the previous run, ' +
          'run records the heartbeat sees; e.g. cert-monitor-state',
        'no state',
      ),
    )
    .addOption(
      option(
        '--alerts-webhook-url <url>',
        'alert on-call through this Slack webhook, once per incident (needs --state-table), e.g. https://hooks.slack.com/services/...',
        `$${CLI_ENV.alertsWebhookUrl}, else no alerts`,
      ),
    )
    .addOption(
      option(
        '--owner-tag-key <key>',
        'tag naming the owner of a certificate, e.g. team',
        DEFAULT_OWNER_TAG_KEY,
        DEFAULT_OWNER_TAG_KEY,
      ),
    )
    .addOption(
      option(
        '--as-of <time>',
        'compute days to expiry and findings as of this ISO-8601 time, e.g. 2026-12-24T00:00:00Z',
        'now',
      ),
    )
    .addOption(
      option(
        '--dns-server <servers>',
        'resolve every name through these name servers (HOST:PORT[,HOST:PORT]) instead of the system’s, e.g. 127.0.0.1:5353',
        "the system's resolver",
      ),
    )
    .addOption(
      option(
        '--features <sets>',
        "optional feature sets to run, as certMonitor.features names them, e.g. dns-diagnosis (lists each account's Route 53 zones; the audit role must grant route53:ListHostedZones)",
        'none',
      ),
    )
    .addOption(
      option(
        '--probe',
        'probe what each endpoint of an in-use certificate serves (load balancers, distributions, API domains, its names) and compare it with ACM; the audit role needs the probe feature set, e.g. --probe',
        'off',
      ),
    )
    .addOption(
      option(
        '--endpoints <file>',
        'more endpoints to probe, for certificates outside ACM: one host[:port] a line, # comments (implies --probe), e.g. endpoints.txt',
        'none',
      ),
    )
    .addOption(
      option(
        '--probe-timeout-ms <ms>',
        `how long one probe (lookup, connect, TLS handshake) may take, ${MIN_PROBE_TIMEOUT_MS} to ${MAX_PROBE_TIMEOUT_MS}, e.g. 2000`,
        String(DEFAULT_PROBE_TIMEOUT_MS),
        String(DEFAULT_PROBE_TIMEOUT_MS),
      ),
    )
    .addOption(
      option(
        '--probe-concurrency <n>',
        `probes in flight at once, 1 to ${MAX_PROBE_CONCURRENCY}, e.g. 20`,
        String(DEFAULT_PROBE_CONCURRENCY),
        String(DEFAULT_PROBE_CONCURRENCY),
      ),
    )
    .addOption(option('--debug', 'print stack traces of unexpected errors, e.g. --debug', 'off'))
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    .addHelpText('after', EXAMPLES);
}

/** Every option's flag, by its Commander attribute name (for error messages). */
const FLAGS: Record<string, string> = {
  accounts: '--accounts',
  excludeAccounts: '--exclude-accounts',
  regions: '--regions',
  roleName: '--role-name',
  externalId: '--external-id',
  expiryDays: '--expiry-days',
  format: '--format',
  output: '--output',
  compare: '--compare',
  slackWebhookUrl: `--slack-webhook-url (or ${CLI_ENV.slackWebhookUrl})`,
  alertsWebhookUrl: `--alerts-webhook-url (or ${CLI_ENV.alertsWebhookUrl})`,
  concurrency: '--concurrency',
  describeRate: '--describe-rate',
  stateTable: '--state-table',
  ownerTagKey: '--owner-tag-key',
  asOf: '--as-of',
  dnsServer: '--dns-server',
  features: '--features',
  probe: '--probe',
  endpoints: '--endpoints',
  probeTimeoutMs: '--probe-timeout-ms',
  probeConcurrency: '--probe-concurrency',
};

const ACCOUNT_ID = /^\d{12}$/;

function list(value: string): string[] {
  return [...new Set(value.split(',').map((item) => item.trim()))].filter((item) => item.length > 0);
}

const accountList = z
  .string()
  .transform(list)
  .superRefine((ids, ctx) => {
    if (ids.length === 0) ctx.addIssue({ code: 'custom', message: 'give at least one 12-digit account id' });
    const bad = ids.filter((id) => !ACCOUNT_ID.test(id));
    if (bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `not a 12-digit AWS account id: ${bad.join(', ')}` });
    }
  })
  .transform((ids) => ids.sort());

function integer(min: number, max: number, unit: string) {
  return z.string().transform((value, ctx) => {
    const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    ctx.addIssue({
      code: 'custom',
      message: `must be a whole number of ${unit} from ${min} to ${max}, got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  });
}

/** A webhook address: never echoed in messages (it is a credential). */
const webhookUrl = z.string().refine(isAllowedWebhookUrl, WEBHOOK_URL_RULE);

const RawSchema = z.object({
  accounts: accountList.optional(),
  excludeAccounts: accountList.optional(),
  regions: z.string().optional(),
  allowUnknownRegions: z.boolean().optional(),
  roleName: z
    .string()
    .regex(
      /^(\/[\w+=,.@-]+)*\/?[\w+=,.@-]{1,64}$/,
      'an IAM role name is 1-64 characters of letters, digits and +=,.@_- (optionally after a /path/)',
    ),
  externalId: z
    .string()
    .regex(/^[\w+=,.@:/-]{2,1224}$/, 'an ExternalId is 2-1224 characters of letters, digits and +=,.@:/_-')
    .optional(),
  expiryDays: integer(1, MAX_EXPIRY_DAYS, 'days'),
  format: z.enum(REPORT_FORMATS, { error: `must be one of ${REPORT_FORMATS.join(', ')}` }),
  output: z.string().min(1, 'give a file name').optional(),
  compare: z.string().min(1, 'give the path of an earlier JSON report').optional(),
  slackWebhookUrl: webhookUrl.optional(),
  alertsWebhookUrl: webhookUrl.optional(),
  concurrency: integer(1, MAX_CONCURRENCY, 'accounts'),
  describeRate: integer(1, MAX_DESCRIBE_RATE, 'calls per second'),
  stateTable: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table name is 3-255 characters of letters, digits and _.-')
    .optional(),
  ownerTagKey: z.string().min(1).max(128, 'a tag key is at most 128 characters'),
  asOf: z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 time, e.g. 2026-12-24T00:00:00Z')
    .transform((value) => new Date(Date.parse(value)))
    .optional(),
  dnsServer: z
    .string()
    .transform((value, ctx) => {
      try {
        return parseDnsServers(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
  features: z
    .string()
    .transform(list)
    .superRefine((names, ctx) => {
      const optional = FEATURE_SET_NAMES.filter((name) => name !== CORE_FEATURE_SET);
      const unknown = names.filter((name) => !optional.includes(name as (typeof optional)[number]));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `not an optional feature set: ${unknown.join(', ')}; known: ${optional.join(', ')}`,
        });
      }
    })
    .optional(),
  probe: z.boolean().optional(),
  endpoints: z.string().min(1, 'give the path of a file with one host[:port] a line').optional(),
  probeTimeoutMs: integer(MIN_PROBE_TIMEOUT_MS, MAX_PROBE_TIMEOUT_MS, 'milliseconds'),
  probeConcurrency: integer(1, MAX_PROBE_CONCURRENCY, 'probes'),
  debug: z.boolean().optional(),
});

/** Levenshtein distance, to suggest the region a typo meant. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function closestRegion(name: string): string | undefined {
  let best: { region: string; d: number } | undefined;
  for (const region of AWS_REGIONS) {
    const d = distance(name, region);
    if (d <= 2 && (best === undefined || d < best.d)) best = { region, d };
  }
  return best?.region;
}

/** Checks region names against the known list; the error names each bad one and what it probably meant. */
function checkRegions(names: string[], allowUnknown: boolean): string | undefined {
  const problems: string[] = [];
  let plausible = false;
  let unexplained = false;
  for (const name of names) {
    if (isKnownRegion(name)) continue;
    if (allowUnknown && looksLikeRegion(name)) continue;
    const guess = closestRegion(name);
    if (guess === undefined) {
      if (looksLikeRegion(name)) plausible = true;
      else unexplained = true;
    }
    problems.push(guess ? `${name} (did you mean ${guess}?)` : name);
  }
  if (problems.length === 0) return undefined;
  const hints: string[] = [];
  if (plausible) hints.push('for a region newer than this version add --allow-unknown-regions');
  if (unexplained) hints.push(`known regions: ${AWS_REGIONS.join(', ')}`);
  const hint = hints.length > 0 ? `; ${hints.join('; ')}` : '';
  return `--regions: unknown region ${problems.join(', ')}${hint}`;
}

function inferFormat(output: string | undefined): ReportFormat | undefined {
  const extension = output?.toLowerCase().match(/\.(json|csv|html?)$/)?.[1];
  if (extension === undefined) return undefined;
  return extension.startsWith('htm') ? 'html' : (extension as ReportFormat);
}

/** A Commander message as one line, without its `error: ` prefix. */
function oneLine(text: string): string {
  return text
    .replace(/^error:\s*/i, '')
    .split('\n')
    .map((line) => line.trim().replace(/\.+$/, ''))
    .filter((line) => line.length > 0)
    .join(' ');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * Parses the arguments after `audit` (no `node` or script path). Options win over the environment; an empty
 * environment variable counts as unset.
 */
export function parseArgs(argv: readonly string[], env: Env = {}): ParseResult {
  const program = buildProgram();
  let out = '';
  let err = '';
  program.exitOverride().configureOutput({
    writeOut: (text) => {
      out += text;
    },
    writeErr: (text) => {
      err += text;
    },
    outputError: (text) => {
      err += text;
    },
  });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
      return { kind: 'help', text: out };
    }
    return { kind: 'error', message: `${oneLine(err || error.message)}. Run with --help to see every option.` };
  }

  const raw = program.opts<Record<string, unknown>>();
  const fromCli = (key: string) => program.getOptionValueSource(key) === 'cli';
  const warnings: string[] = [];
  const input = {
    ...raw,
    slackWebhookUrl: nonEmpty(raw.slackWebhookUrl as string | undefined) ?? nonEmpty(env[CLI_ENV.slackWebhookUrl]),
    alertsWebhookUrl: nonEmpty(raw.alertsWebhookUrl as string | undefined) ?? nonEmpty(env[CLI_ENV.alertsWebhookUrl]),
  };
  const parsed = RawSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    return { kind: 'error', message: `${FLAGS[key] ?? key}: ${issue?.message ?? 'invalid value'}` };
  }
  const value = parsed.data;

  let regions: CliOptions['regions'] = 'enabled';
  if (value.regions !== undefined) {
    const names = list(value.regions);
    if (names.length === 0) return { kind: 'error', message: '--regions: give at least one region name' };
    const problem = checkRegions(names, value.allowUnknownRegions === true);
    if (problem) return { kind: 'error', message: problem };
    regions = names.sort();
  }

  let alertsWebhookUrl = value.alertsWebhookUrl;
  if (alertsWebhookUrl !== undefined && value.stateTable === undefined) {
    if (fromCli('alertsWebhookUrl')) {
      return {
        kind: 'error',
        message:
          '--alerts-webhook-url needs --state-table: alerts are sent once per incident, which needs the state of earlier runs',
      };
    }
    warnings.push(`${CLI_ENV.alertsWebhookUrl} is set but alerts need --state-table; no alerts are sent`);
    alertsWebhookUrl = undefined;
  }

  const format = fromCli('format') ? value.format : (inferFormat(value.output) ?? value.format);
  const options: CliOptions = {
    accounts: value.accounts ?? 'organization',
    excludeAccounts: value.excludeAccounts ?? [],
    regions,
    roleName: value.roleName,
    expiryDays: value.expiryDays,
    format,
    concurrency: value.concurrency,
    describeRate: value.describeRate,
    ownerTagKey: value.ownerTagKey,
    debug: value.debug === true,
    probe: value.probe === true || value.endpoints !== undefined,
    probeTimeoutMs: value.probeTimeoutMs,
    probeConcurrency: value.probeConcurrency,
    ...(value.endpoints !== undefined ? { endpointsFile: value.endpoints } : {}),
    ...(value.externalId !== undefined ? { externalId: value.externalId } : {}),
    ...(value.output !== undefined ? { output: value.output } : {}),
    ...(value.compare !== undefined ? { compare: value.compare } : {}),
    ...(value.slackWebhookUrl !== undefined ? { slackWebhookUrl: value.slackWebhookUrl } : {}),
    ...(alertsWebhookUrl !== undefined ? { alertsWebhookUrl } : {}),
    ...(value.stateTable !== undefined ? { stateTable: value.stateTable } : {}),
    ...(value.asOf !== undefined ? { asOf: value.asOf } : {}),
    ...(value.dnsServer !== undefined ? { dnsServers: value.dnsServer } : {}),
    ...(value.features !== undefined && value.features.length > 0 ? { features: value.features } : {}),
  };
  if (Array.isArray(options.accounts)) {
    const excluded = new Set(options.excludeAccounts);
    if (options.accounts.every((id) => excluded.has(id))) {
      return { kind: 'error', message: '--exclude-accounts leaves no account of --accounts to scan' };
    }
  }
  return { kind: 'run', options, warnings };
}

/** Whether the debug flag is among raw arguments (for errors thrown before or during parsing). */
export function wantsDebug(argv: readonly string[]): boolean {
  return argv.includes('--debug');
}
