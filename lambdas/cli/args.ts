/**
 * The `audit` command line: options, help text and validation. Pure: it reads only the argv and env it is given,
 * so every rule is unit-tested without a process. Commander tokenises and prints help; Zod checks the values and
 * every problem becomes one line naming the option and how to fix it.
 */
import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';
import { CORE_FEATURE_SET, FEATURE_SET_NAMES } from '../aws/permissions';
import { DEFAULT_DESCRIBE_RATE_PER_SECOND } from '../aws/rate-limit';
import {
  EXTERNAL_ID_PATTERN,
  EXTERNAL_ID_RULE,
  isAccountId,
  ROLE_PATH_AND_NAME_PATTERN,
  ROLE_PATH_AND_NAME_RULE,
} from '../core/aws-ids';
import { CtDomainError, DEFAULT_CT_API_URL, parseWatchedDomains } from '../core/ct';
import { parseDnsServers } from '../core/diagnosis/servers';
import { AWS_REGIONS, isKnownRegion, looksLikeRegion } from '../core/regions';
import { SETTINGS } from '../core/settings';
import { isAllowedWebhookUrl, WEBHOOK_URL_RULE } from '../core/slack/webhook-url';
import { DEFAULT_PROBE_CONCURRENCY, DEFAULT_PROBE_TIMEOUT_MS } from '../net/tls-probe';
import { DEFAULT_ACCOUNT_CONCURRENCY } from '../scan/audit';

const REPORT_FORMATS = ['table', 'json', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Environment variables the command reads (the command-line options win over them). */
const CLI_ENV = {
  slackWebhookUrl: 'SLACK_WEBHOOK_URL',
  alertsWebhookUrl: 'SLACK_ALERTS_WEBHOOK_URL',
  /** The CT API's key: a credential, so never an option (it would show in the process list and shell history). */
  ctApiKey: 'CERTSPOTTER_API_KEY',
} as const;

const MAX_CONCURRENCY = 64;
const MAX_EXPIRY_DAYS = SETTINGS.expiryDays.max;
const MAX_DESCRIBE_RATE = 100;
const MIN_PROBE_TIMEOUT_MS = 100;
const MAX_PROBE_TIMEOUT_MS = 60_000;
const MAX_PROBE_CONCURRENCY = 500;

export interface CliOptions {
  /** Explicit account ids, or every ACTIVE account of the organization. */
  accounts: 'organization' | string[];
  excludedAccounts: string[];
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
  /** Owner routing's table: a JSON file, read and checked before the scan (run-audit.ts). */
  routes?: string;
  /** `--ct`: the Certificate Transparency watch for this run. */
  ct?: CliCtOptions;
  debug: boolean;
}

export interface CliCtOptions {
  /** `--ct-domains`; absent: the registrable domains of the certificates' names. */
  domains?: string[];
  apiUrl: string;
  /** `--ct-allow`: the allow list's file. */
  allowFile?: string;
  /** From CERTSPOTTER_API_KEY. */
  apiKey?: string;
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
  ${CLI_ENV.ctApiKey}       the CT API key --ct uses (optional; raises the API's allowance)
  AWS_PROFILE, AWS_ACCESS_KEY_ID, ...  credentials (the AWS SDK's default chain)
  AWS_REGION                the region STS and Organizations are called in (default us-east-1)
  AWS_ENDPOINT_URL[_<SERVICE>]  endpoint overrides, as the AWS SDK reads them (e.g. AWS_ENDPOINT_URL_DYNAMODB)
  NO_COLOR                  no colours in the table

Exit codes:
  0  every target was scanned and the report written
  2  the report was written but some targets failed (or a Slack message was not delivered)
  1  nothing useful was done: bad usage, no credentials, unreadable --compare, unwritable --output
`;

function list(value: string): string[] {
  return [...new Set(value.split(',').map((item) => item.trim()))].filter((item) => item.length > 0);
}

const accountList = z
  .string()
  .transform(list)
  .superRefine((ids, ctx) => {
    if (ids.length === 0) ctx.addIssue({ code: 'custom', message: 'give at least one 12-digit account id' });
    const bad = ids.filter((id) => !isAccountId(id));
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

const onOff = z.boolean().optional();

interface OptionSpec {
  readonly flags: string;
  /** What it does, ending with an example (`e.g. ...`). */
  readonly description: string;
  /** The default as the user reads it in --help. */
  readonly shownDefault: string;
  /** The value used when the option is absent; absent: the option is unset. */
  readonly default?: string;
  /** Also the name used in error messages, when it differs from the flag. */
  readonly name?: string;
  readonly schema: z.ZodType;
}

const spec = <S extends z.ZodType>(option: OptionSpec & { schema: S }) => option;

/**
 * Every option, declared once: its flag, help, default and check. The order is the order of --help. Commander only
 * tokenises (it is given no defaults, so it cannot print one a second time); the defaults are applied here.
 */
const OPTIONS = {
  accounts: spec({
    flags: '--accounts <ids>',
    description: 'comma-separated 12-digit account ids, e.g. 111111111111,222222222222',
    shownDefault: 'every ACTIVE account of the organization; needs management or delegated-admin credentials',
    schema: accountList.optional(),
  }),
  excludeAccounts: spec({
    flags: '--exclude-accounts <ids>',
    description: 'accounts to leave out, e.g. 333333333333',
    shownDefault: 'none',
    schema: accountList.optional(),
  }),
  regions: spec({
    flags: '--regions <names>',
    description: 'comma-separated region names, e.g. us-east-1,eu-west-1',
    shownDefault: "each account's enabled regions",
    schema: z.string().optional(),
  }),
  allowUnknownRegions: spec({
    flags: '--allow-unknown-regions',
    description: 'accept region names newer than this version if they look like one, e.g. --regions xx-east-9',
    shownDefault: 'off',
    schema: onOff,
  }),
  roleName: spec({
    flags: '--role-name <name>',
    description: 'read-only audit role assumed in each account, e.g. AuditRole',
    shownDefault: SETTINGS.auditRoleName.default,
    default: SETTINGS.auditRoleName.default,
    schema: z.string().regex(ROLE_PATH_AND_NAME_PATTERN, ROLE_PATH_AND_NAME_RULE),
  }),
  externalId: spec({
    flags: '--external-id <id>',
    description: 'ExternalId the audit role requires, e.g. my-org-audit',
    shownDefault: 'none',
    schema: z.string().regex(EXTERNAL_ID_PATTERN, `an ExternalId is ${EXTERNAL_ID_RULE}`).optional(),
  }),
  expiryDays: spec({
    flags: '--expiry-days <n>',
    description: 'flag certificates expiring within this many days, e.g. 45',
    shownDefault: String(SETTINGS.expiryDays.default),
    default: String(SETTINGS.expiryDays.default),
    schema: integer(SETTINGS.expiryDays.min, MAX_EXPIRY_DAYS, 'days'),
  }),
  format: spec({
    flags: '--format <format>',
    description: `report format: ${REPORT_FORMATS.join(', ')}; e.g. --format json`,
    shownDefault: 'table, or what the --output file name ends with (.json, .csv, .html)',
    default: 'table',
    schema: z.enum(REPORT_FORMATS, { error: `must be one of ${REPORT_FORMATS.join(', ')}` }),
  }),
  output: spec({
    flags: '--output <file>',
    description: 'write the report to this file (atomically), e.g. report.html',
    shownDefault: 'stdout',
    schema: z.string().min(1, 'give a file name').optional(),
  }),
  compare: spec({
    flags: '--compare <earlier.json>',
    description: 'show what changed since an earlier JSON report, e.g. --compare yesterday.json',
    shownDefault: 'no comparison',
    schema: z.string().min(1, 'give the path of an earlier JSON report').optional(),
  }),
  slackWebhookUrl: spec({
    flags: '--slack-webhook-url <url>',
    description: 'post the digest to this Slack incoming webhook, e.g. https://hooks.slack.com/services/...',
    shownDefault: `$${CLI_ENV.slackWebhookUrl}, else no digest`,
    name: `--slack-webhook-url (or ${CLI_ENV.slackWebhookUrl})`,
    schema: webhookUrl.optional(),
  }),
  concurrency: spec({
    flags: '--concurrency <n>',
    description: `accounts scanned at once (each account's regions side by side), 1 to ${MAX_CONCURRENCY}; e.g. 4`,
    shownDefault: String(DEFAULT_ACCOUNT_CONCURRENCY),
    default: String(DEFAULT_ACCOUNT_CONCURRENCY),
    schema: integer(1, MAX_CONCURRENCY, 'accounts'),
  }),
  describeRate: spec({
    flags: '--describe-rate <n>',
    description:
      `DescribeCertificate calls per second per account and region, 1 to ${MAX_DESCRIBE_RATE} (ACM's quota is 10; ` +
      'raise it only where the quota was raised), e.g. 5',
    shownDefault: String(DEFAULT_DESCRIBE_RATE_PER_SECOND),
    default: String(DEFAULT_DESCRIBE_RATE_PER_SECOND),
    schema: integer(1, MAX_DESCRIBE_RATE, 'calls per second'),
  }),
  stateTable: spec({
    flags: '--state-table <name>',
    description:
      'DynamoDB table shared with the deployed monitor, created when missing: changes since the previous run, ' +
      'run records the heartbeat sees; e.g. cert-monitor-state',
    shownDefault: 'no state',
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table name is 3-255 characters of letters, digits and _.-')
      .optional(),
  }),
  routes: spec({
    flags: '--routes <file>',
    description:
      "send each certificate's alerts to its owner's Slack webhook and each team its own digest, by the routing " +
      'table in this JSON file (destinations, default, rules, teamDigests; see docs/cli.md), e.g. routes.json',
    shownDefault: 'no routing: alerts to --alerts-webhook-url, one digest',
    schema: z.string().min(1, 'give the path of a routing table (JSON)').optional(),
  }),
  alertsWebhookUrl: spec({
    flags: '--alerts-webhook-url <url>',
    description:
      'alert on-call through this Slack webhook, once per incident (needs --state-table), e.g. https://hooks.slack.com/services/...',
    shownDefault: `$${CLI_ENV.alertsWebhookUrl}, else no alerts`,
    name: `--alerts-webhook-url (or ${CLI_ENV.alertsWebhookUrl})`,
    schema: webhookUrl.optional(),
  }),
  ownerTagKey: spec({
    flags: '--owner-tag-key <key>',
    description: 'tag naming the owner of a certificate, e.g. team',
    shownDefault: SETTINGS.ownerTagKey.default,
    default: SETTINGS.ownerTagKey.default,
    schema: z
      .string()
      .min(1)
      .max(SETTINGS.ownerTagKey.maxLength, `a tag key is at most ${SETTINGS.ownerTagKey.maxLength} characters`),
  }),
  asOf: spec({
    flags: '--as-of <time>',
    description: 'compute days to expiry and findings as of this ISO-8601 time, e.g. 2026-12-24T00:00:00Z',
    shownDefault: 'now',
    schema: z
      .string()
      .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 time, e.g. 2026-12-24T00:00:00Z')
      .transform((value) => new Date(Date.parse(value)))
      .optional(),
  }),
  dnsServer: spec({
    flags: '--dns-server <servers>',
    description:
      'resolve every name through these name servers (HOST:PORT[,HOST:PORT]) instead of the system’s, e.g. 127.0.0.1:5353',
    shownDefault: "the system's resolver",
    schema: z
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
  }),
  features: spec({
    flags: '--features <sets>',
    description:
      "optional feature sets to run, as certMonitor.features names them, e.g. dns-diagnosis (lists each account's Route 53 zones; the audit role must grant route53:ListHostedZones)",
    shownDefault: 'none',
    schema: z
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
  }),
  probe: spec({
    flags: '--probe',
    description:
      'probe what each endpoint of an in-use certificate serves (load balancers, distributions, API domains, its names) and compare it with ACM; the audit role needs the probe feature set, e.g. --probe',
    shownDefault: 'off',
    schema: onOff,
  }),
  endpoints: spec({
    flags: '--endpoints <file>',
    description:
      'more endpoints to probe, for certificates outside ACM: one host[:port] a line, # comments (implies --probe), e.g. endpoints.txt',
    shownDefault: 'none',
    schema: z.string().min(1, 'give the path of a file with one host[:port] a line').optional(),
  }),
  probeTimeoutMs: spec({
    flags: '--probe-timeout-ms <ms>',
    description: `how long one probe (lookup, connect, TLS handshake) may take, ${MIN_PROBE_TIMEOUT_MS} to ${MAX_PROBE_TIMEOUT_MS}, e.g. 2000`,
    shownDefault: String(DEFAULT_PROBE_TIMEOUT_MS),
    default: String(DEFAULT_PROBE_TIMEOUT_MS),
    schema: integer(MIN_PROBE_TIMEOUT_MS, MAX_PROBE_TIMEOUT_MS, 'milliseconds'),
  }),
  probeConcurrency: spec({
    flags: '--probe-concurrency <n>',
    description: `probes in flight at once, 1 to ${MAX_PROBE_CONCURRENCY}, e.g. 20`,
    shownDefault: String(DEFAULT_PROBE_CONCURRENCY),
    default: String(DEFAULT_PROBE_CONCURRENCY),
    schema: integer(1, MAX_PROBE_CONCURRENCY, 'probes'),
  }),
  ct: spec({
    flags: '--ct',
    description:
      'watch Certificate Transparency for certificates issued for your domains outside the organization’s ACM, e.g. --ct --ct-allow ct-allow.json',
    shownDefault: 'off',
    schema: onOff,
  }),
  ctDomains: spec({
    flags: '--ct-domains <domains>',
    description: 'with --ct, the domains to watch (subdomains included), e.g. example.com,example.org',
    shownDefault: 'the registrable domains of the names on the certificates',
    schema: z
      .string()
      .transform((value, ctx) => {
        try {
          return parseWatchedDomains(value);
        } catch (error) {
          if (!(error instanceof CtDomainError)) throw error;
          ctx.addIssue({ code: 'custom', message: error.message });
          return z.NEVER;
        }
      })
      .optional(),
  }),
  ctApiUrl: spec({
    flags: '--ct-api-url <url>',
    description: 'with --ct, the Cert Spotter API v1 compatible endpoint, e.g. http://127.0.0.1:8080',
    shownDefault: DEFAULT_CT_API_URL,
    default: DEFAULT_CT_API_URL,
    schema: z.string().refine(isCtApiUrl, 'must be an https:// URL (http:// only on loopback, e.g. a local CT API)'),
  }),
  ctAllow: spec({
    flags: '--ct-allow <file>',
    description:
      'with --ct, a JSON array of legitimate issuances outside ACM, e.g. [{"names": "*.cdn.example.com", "reason": "CDN"}]',
    shownDefault: 'none',
    schema: z.string().min(1, 'give the path of the allow list (a JSON file)').optional(),
  }),
  debug: spec({
    flags: '--debug',
    description: 'print stack traces of unexpected errors, e.g. --debug',
    shownDefault: 'off',
    schema: onOff,
  }),
};

type OptionKey = keyof typeof OPTIONS;
const OPTION_KEYS = Object.keys(OPTIONS) as OptionKey[];

function buildProgram(): Command {
  const program = new Command('audit').description(
    'One-shot audit of every ACM certificate across AWS accounts and regions: a report by urgency, ' +
      'optional comparison with an earlier report, Slack digest, and state shared with the deployed monitor.',
  );
  for (const key of OPTION_KEYS) {
    const { flags, description, shownDefault } = OPTIONS[key];
    program.addOption(new Option(flags, `${description} (default: ${shownDefault})`));
  }
  return program.helpOption('-h, --help', 'show this help').allowExcessArguments(false).addHelpText('after', EXAMPLES);
}

const RawSchema = z.object(
  Object.fromEntries(OPTION_KEYS.map((key) => [key, OPTIONS[key].schema])) as {
    [K in OptionKey]: (typeof OPTIONS)[K]['schema'];
  },
);

/** The option's name in error messages. */
function flagOf(key: string): string {
  const option = OPTIONS[key as OptionKey] as OptionSpec | undefined;
  return option ? (option.name ?? option.flags.split(' ')[0] ?? key) : key;
}

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

/** The API key travels with every request: plain HTTP only to this machine. */
function isCtApiUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
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
  const defaults = Object.fromEntries(
    OPTION_KEYS.flatMap((key) => {
      const value = (OPTIONS[key] as OptionSpec).default;
      return value === undefined ? [] : [[key, value]];
    }),
  );
  const input = {
    ...defaults,
    ...raw,
    slackWebhookUrl: nonEmpty(raw.slackWebhookUrl as string | undefined) ?? nonEmpty(env[CLI_ENV.slackWebhookUrl]),
    alertsWebhookUrl: nonEmpty(raw.alertsWebhookUrl as string | undefined) ?? nonEmpty(env[CLI_ENV.alertsWebhookUrl]),
  };
  const parsed = RawSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    return { kind: 'error', message: `${flagOf(key)}: ${issue?.message ?? 'invalid value'}` };
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

  if (value.ct !== true) {
    const stray = (['ctDomains', 'ctApiUrl', 'ctAllow'] as const).find((key) => fromCli(key));
    if (stray !== undefined)
      return { kind: 'error', message: `${flagOf(stray)} needs --ct (it configures the CT watch)` };
  }
  const ctApiKey = nonEmpty(env[CLI_ENV.ctApiKey]);

  const format = fromCli('format') ? value.format : (inferFormat(value.output) ?? value.format);
  const options: CliOptions = {
    accounts: value.accounts ?? 'organization',
    excludedAccounts: value.excludeAccounts ?? [],
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
    ...(value.routes !== undefined ? { routes: value.routes } : {}),
    ...(value.ct === true
      ? {
          ct: {
            apiUrl: value.ctApiUrl,
            ...(value.ctDomains !== undefined ? { domains: value.ctDomains } : {}),
            ...(value.ctAllow !== undefined ? { allowFile: value.ctAllow } : {}),
            ...(ctApiKey !== undefined ? { apiKey: ctApiKey } : {}),
          },
        }
      : {}),
  };
  if (Array.isArray(options.accounts)) {
    const excluded = new Set(options.excludedAccounts);
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
