/**
 * The deployment's settings: one object under the cdk.json context key `certMonitor`, checked at synth time.
 * Every problem names the key (`certMonitor.schedule.cron`) and says how to fix it, so a typo fails the synth
 * on the laptop instead of a deployment (or, worse, a silent morning without a digest).
 */

import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { z } from 'zod';
import { CORE_FEATURE_SET, FEATURE_SET_NAMES } from '../lambdas/aws/permissions';
import {
  ACCOUNT_ID_PATTERN,
  ACCOUNT_ID_RULE,
  EXTERNAL_ID_PATTERN,
  EXTERNAL_ID_RULE,
  ROLE_ARN_PATTERN,
  ROLE_ARN_RULE,
  ROLE_NAME_PATTERN,
  ROLE_NAME_RULE,
} from '../lambdas/core/aws-ids';
import { parseAllowList } from '../lambdas/core/ct/allow-list';
import { parseDnsServers } from '../lambdas/core/diagnosis/servers';
import { parseEndpoint } from '../lambdas/core/probe/endpoints-file';
import { looksLikeRegion } from '../lambdas/core/regions';
import { parseRoutes, RoutesConfigError } from '../lambdas/core/routing/config';
import { SETTINGS } from '../lambdas/core/settings';
import { eventsSchema } from './events-config';

/** The cdk.json context key holding the whole configuration. */
export const CONFIG_CONTEXT_KEY = 'certMonitor';

/** One problem found in the configuration. */
export interface ConfigProblem {
  /** Dotted key, e.g. `certMonitor.schedule.cron`. */
  key: string;
  message: string;
}

/** The configuration is missing or wrong; `problems` lists every key at fault, `key` the first. */
export class ConfigError extends Error {
  readonly key: string;
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const lines = problems.map((p) => `  ${p.key}: ${p.message}`);
    super(`Invalid cdk.json context (fix the keys below, or pass them with -c):\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.key = problems[0]?.key ?? CONFIG_CONTEXT_KEY;
    this.problems = problems;
  }
}

/** Says "is required" when the key is absent, `wrong` when it is present but malformed. */
function hint(wrong: string) {
  return {
    error: (issue: { input?: unknown }) => (issue.input === undefined ? `is required; ${wrong}` : wrong),
  };
}

const ACCOUNT_ID_HINT = `must be ${ACCOUNT_ID_RULE}, written as a string`;
const accountId = z.string(hint(ACCOUNT_ID_HINT)).regex(ACCOUNT_ID_PATTERN, ACCOUNT_ID_HINT);

const REGION_HINT = 'must be an AWS region name such as "eu-west-1"';
const region = z.string(hint(REGION_HINT)).refine(looksLikeRegion, REGION_HINT);

const wholeNumber = (min: number, max: number, what: string) => {
  const wrong = `must be a whole number of ${what} from ${min} to ${max}`;
  return z.number(hint(wrong)).int(wrong).min(min, wrong).max(max, wrong);
};

/** A whole-number setting of the Lambdas, with the range and default SETTINGS gives it. */
const numberSetting = (setting: { min: number; max: number; unit: string; default: number }) =>
  wholeNumber(setting.min, setting.max, setting.unit).default(setting.default);

const uniqueList = <T extends z.ZodType>(item: T, what: string) =>
  z
    .array(item, hint(`must be a list of ${what}`))
    .min(1, `must list at least one ${what.replace(/s$/, '')}; remove the key to use the default`)
    .refine((items) => new Set(items).size === items.length, `must not repeat ${what}`);

/**
 * EventBridge Scheduler cron: six fields (minutes hours day-of-month month day-of-week year), one of the two
 * day fields `?`. Only the shape is checked here; Scheduler validates the values when the stack deploys.
 */
const CRON_HINT =
  'must be an EventBridge Scheduler cron expression with six fields, e.g. "cron(0 6 * * ? *)" (06:00 daily)';
function isSchedulerCron(expression: string): boolean {
  const match = /^cron\((.+)\)$/.exec(expression.trim());
  const fields = match?.[1]?.trim().split(/\s+/) ?? [];
  if (fields.length !== 6) return false;
  const [, , dayOfMonth, , dayOfWeek] = fields;
  return (dayOfMonth === '?') !== (dayOfWeek === '?');
}

const TIMEZONE_HINT = 'must be an IANA time zone name such as "UTC" or "Europe/Berlin"';
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

// Secret names as Secrets Manager accepts them.
const SECRET_NAME = /^[\w/+=.@-]{1,512}$/;

const RETENTION_DAYS = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');

const scheduleSchema = z.strictObject({
  cron: z.string(hint(CRON_HINT)).refine(isSchedulerCron, CRON_HINT).default('cron(0 6 * * ? *)'),
  timezone: z.string(hint(TIMEZONE_HINT)).refine(isTimeZone, TIMEZONE_HINT).default('UTC'),
  /**
   * Hours between two runs of the cron. The heartbeat and the run-completed alarm wait this long (plus the
   * grace) before they call the monitor stopped; set it when the cron is not daily.
   */
  periodHours: numberSetting(SETTINGS.schedulePeriodHours),
});

const accountsSchema = z
  .strictObject({
    source: z.enum(['organization', 'list'], { error: 'must be "organization" or "list"' }),
    ids: uniqueList(accountId, 'account ids').optional(),
    exclude: uniqueList(accountId, 'account ids').optional(),
  })
  .superRefine((accounts, ctx) => {
    if (accounts.source === 'list' && !accounts.ids) {
      ctx.addIssue({
        code: 'custom',
        path: ['ids'],
        message: 'is required when source is "list": list the 12-digit account ids to scan',
      });
    }
    if (accounts.source === 'organization' && accounts.ids) {
      ctx.addIssue({
        code: 'custom',
        path: ['ids'],
        message: 'is only read when source is "list"; remove it, or set source to "list"',
      });
    }
  });

const regionsSchema = z
  .strictObject({
    source: z.enum(['enabled', 'list'], {
      error: 'must be "enabled" (every region enabled in each account) or "list"',
    }),
    names: uniqueList(region, 'region names').optional(),
  })
  .superRefine((regions, ctx) => {
    if (regions.source === 'list' && !regions.names) {
      ctx.addIssue({
        code: 'custom',
        path: ['names'],
        message: 'is required when source is "list": list region names such as ["us-east-1", "eu-west-1"]',
      });
    }
    if (regions.source === 'enabled' && regions.names) {
      ctx.addIssue({
        code: 'custom',
        path: ['names'],
        message: 'is only read when source is "list"; remove it, or set source to "list"',
      });
    }
  });

const thresholdsSchema = z
  .array(
    wholeNumber(SETTINGS.changeThresholds.min, SETTINGS.changeThresholds.max, 'days'),
    hint('must be a list of whole days, largest first, e.g. [30, 14, 7, 3, 1]'),
  )
  .min(1, 'must list at least one threshold')
  .refine(
    (days) => days.every((d, i) => i === 0 || d < (days[i - 1] as number)),
    'must be sorted largest first without repeats, e.g. [30, 14, 7, 3, 1]',
  );

const ROOT_ID_HINT = 'must be the organization root id, e.g. "r-ab12"';
const OU_ID_HINT = 'must be organizational unit ids, e.g. ["ou-ab12-34cd56ef"]';

const organizationSchema = z
  .strictObject({
    /** Where the organization stack deploys: the management account, or a StackSets delegated administrator. */
    accountId,
    /** SELF in the management account, DELEGATED_ADMIN in a delegated administrator account. */
    callAs: z
      .enum(['SELF', 'DELEGATED_ADMIN'], {
        error: 'must be "SELF" (deployed in the management account) or "DELEGATED_ADMIN"',
      })
      .default('SELF'),
    organizationRootId: z
      .string(hint(ROOT_ID_HINT))
      .regex(/^r-[0-9a-z]{4,32}$/, ROOT_ID_HINT)
      .optional(),
    organizationalUnitIds: uniqueList(
      z.string(hint(OU_ID_HINT)).regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, OU_ID_HINT),
      'organizational unit ids',
    ).optional(),
    /** The one region the StackSet's stacks go to (IAM is global). Defaults to the hub's region. */
    region: region.optional(),
    /** When set, the audit role also requires the caller to belong to this organization. */
    principalOrgId: z
      .string(hint('must be an organization id, e.g. "o-a1b2c3d4e5"'))
      .regex(/^o-[a-z0-9]{10,32}$/, 'must be an organization id, e.g. "o-a1b2c3d4e5"')
      .optional(),
    failureTolerancePercentage: wholeNumber(0, 100, 'percent').default(10),
    maxConcurrentPercentage: wholeNumber(1, 100, 'percent').default(25),
  })
  .superRefine((org, ctx) => {
    if ((org.organizationRootId === undefined) === (org.organizationalUnitIds === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['organizationRootId'],
        message:
          'set exactly one of organizationRootId (every account) or organizationalUnitIds (the accounts in those OUs)',
      });
    }
  });

const configSchema = z.strictObject({
  /** The hub account and region: the pipeline's role ARNs, which every audit role trusts, are built from them. */
  hub: z.strictObject(
    { accountId, region },
    hint('must be an object like { "accountId": "222222222222", "region": "eu-west-1" }'),
  ),
  schedule: scheduleSchema.default({
    cron: 'cron(0 6 * * ? *)',
    timezone: 'UTC',
    periodHours: SETTINGS.schedulePeriodHours.default,
  }),
  accounts: accountsSchema.default({ source: 'organization' }),
  regions: regionsSchema.default({ source: 'enabled' }),
  auditRoleName: z
    .string(hint('must be an IAM role name'))
    .regex(ROLE_NAME_PATTERN, `must be ${ROLE_NAME_RULE}`)
    .default(SETTINGS.auditRoleName.default),
  externalId: z
    .string(hint(`set it to a random string of ${EXTERNAL_ID_RULE}; every audit role checks it`))
    .regex(EXTERNAL_ID_PATTERN, `must be ${EXTERNAL_ID_RULE}`),
  expiryDays: numberSetting(SETTINGS.expiryDays),
  changeThresholds: thresholdsSchema.default([...SETTINGS.changeThresholds.default]),
  refreshDays: numberSetting(SETTINGS.refreshDays),
  /**
   * Distributed Map children running at once, each its own Lambda scanning one account: enough that a first run of
   * an organization of up to 100 accounts starts every account at once (its largest is unknown), and 900 of
   * Lambda's default 1,000 concurrent executions stay free.
   */
  maxConcurrency: wholeNumber(1, 10_000, 'child executions').default(100),
  describeConcurrency: numberSetting(SETTINGS.describeConcurrency),
  slackSecretName: z
    .string(hint('must be a Secrets Manager secret name'))
    .regex(SECRET_NAME, 'must be a Secrets Manager secret name: 1-512 characters from letters, digits and /_+=.@-')
    .default('cert-monitor/slack'),
  /** The one role, besides the Lambdas that post to Slack, allowed to read the webhook URLs back (e.g. an admin's). */
  slackSecretAdminRoleArn: z
    .string(hint('must be an IAM role ARN'))
    .regex(ROLE_ARN_PATTERN, `must be ${ROLE_ARN_RULE}`)
    .optional(),
  ownerTagKey: z
    .string(hint('must be a tag key'))
    .min(1, `must be a tag key of 1-${SETTINGS.ownerTagKey.maxLength} characters`)
    .max(SETTINGS.ownerTagKey.maxLength, `must be a tag key of 1-${SETTINGS.ownerTagKey.maxLength} characters`)
    .default(SETTINGS.ownerTagKey.default),
  heartbeat: z
    .strictObject({ graceHours: numberSetting(SETTINGS.heartbeatGraceHours) })
    .default({ graceHours: SETTINGS.heartbeatGraceHours.default }),
  alarmEmail: z.email('must be an e-mail address, e.g. "oncall@example.com"').optional(),
  organizationRoleArn: z
    .string(hint('must be an IAM role ARN'))
    .regex(ROLE_ARN_PATTERN, `must be ${ROLE_ARN_RULE}`)
    .optional(),
  logRetentionDays: z
    .number(hint('must be a number of days'))
    .refine(
      (days) => RETENTION_DAYS.includes(days),
      `must be a retention CloudWatch Logs accepts: one of ${RETENTION_DAYS.join(', ')}`,
    )
    .default(90),
  historyDays: numberSetting(SETTINGS.historyDays),
  /**
   * Optional feature sets, each adding its read actions to the audit role (the core certificate scan is always on).
   */
  features: z
    .array(z.string(), hint('must be a list of feature set names'))
    .refine((names) => new Set(names).size === names.length, 'must not repeat a feature set')
    .superRefine((names, ctx) => {
      const optional = FEATURE_SET_NAMES.filter((name) => name !== CORE_FEATURE_SET);
      for (const name of names) {
        if (!optional.includes(name as (typeof optional)[number])) {
          ctx.addIssue({
            code: 'custom',
            message: `"${name}" is not an optional feature set; known: ${optional.length > 0 ? optional.join(', ') : 'none yet (the core scan is always on)'}`,
          });
        }
      }
    })
    .default([]),
  /**
   * The DNS diagnosis of failed validations and renewals, made by FinalizeRun. Without `servers` it asks the Lambda's
   * own resolver, public DNS from a Lambda outside any VPC (the view ACM validates against); a VPC resolver could
   * answer from private hosted zones and pass a check that ACM's public validation fails.
   */
  /**
   * The hourly Certificate Transparency watch (a Lambda of its own). Off unless enabled: it sends the organization's
   * domain names to the CT search API, a third party. The API key, optional, stays in Secrets Manager.
   */
  ct: z
    .strictObject({
      enabled: z.boolean(hint('must be true or false')).default(false),
      /** Absent: the registrable domains of the certificates' names. */
      domains: uniqueList(
        z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a domain such as example.com'),
        'domains',
      ).optional(),
      apiUrl: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }).optional(),
      /** A secret beside the Slack one holding the API key as plain text, e.g. cert-monitor/ct-api-key. */
      apiKeySecretName: z
        .string(hint('must be a Secrets Manager secret name'))
        .regex(SECRET_NAME, 'must be a Secrets Manager secret name: 1-512 characters from letters, digits and /_+=.@-')
        .optional(),
      /** The allow list, as `--ct-allow` reads it. */
      allow: z.array(z.unknown(), hint('must be a list of rules')).optional(),
      periodMinutes: numberSetting(SETTINGS.ctSchedulePeriodMinutes),
    })
    .superRefine((ct, ctx) => {
      if (ct.allow === undefined) return;
      try {
        parseAllowList(JSON.stringify(ct.allow), 'certMonitor.ct.allow');
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['allow'], message: (error as Error).message });
      }
    })
    .default({ enabled: false, periodMinutes: SETTINGS.ctSchedulePeriodMinutes.default }),
  dnsDiagnosis: z
    .strictObject({
      enabled: z.boolean(hint('must be true or false')).default(true),
      servers: z
        .array(z.string(), hint('must be a list of "IP:PORT" strings, e.g. ["192.0.2.53:53"]'))
        .min(1, 'must list at least one server, or be left out to use public DNS')
        .superRefine((servers, ctx) => {
          try {
            parseDnsServers(servers.join(','));
          } catch (error) {
            ctx.addIssue({ code: 'custom', message: (error as Error).message });
          }
        })
        .optional(),
      timeoutMs: numberSetting(SETTINGS.dnsTimeoutMs),
    })
    .default({ enabled: true, timeoutMs: SETTINGS.dnsTimeoutMs.default }),
  /**
   * The TLS probe of what each endpoint serves (the `probe` feature set probes the endpoints of in-use certificates
   * from each account's scan). `endpoints` adds the user's own, `host[:port]`, for certificates outside ACM: probed
   * by FinalizeRun, whether the feature set is on or not.
   */
  probe: z
    .strictObject({
      endpoints: z
        .array(
          z.string(),
          hint('must be a list of "host[:port]" strings, e.g. ["vpn.example.com", "legacy.example.com:8443"]'),
        )
        .superRefine((items, ctx) => {
          items.forEach((item, index) => {
            try {
              parseEndpoint(item, `endpoint ${index + 1}`);
            } catch (error) {
              ctx.addIssue({ code: 'custom', path: [index], message: (error as Error).message });
            }
          });
        })
        .default([]),
      timeoutMs: numberSetting(SETTINGS.probeTimeoutMs),
      concurrency: numberSetting(SETTINGS.probeConcurrency),
    })
    .default({
      endpoints: [],
      timeoutMs: SETTINGS.probeTimeoutMs.default,
      concurrency: SETTINGS.probeConcurrency.default,
    }),
  /** Present when this app also deploys the organization stack (StackSet and management-account roles). */
  organization: organizationSchema.optional(),
  /** The real-time event path (infra/events-config.ts). */
  events: eventsSchema,
  /**
   * Owner routing (lambdas/core/routing): the `--routes FILE` object, with the keys of the Slack secret holding each
   * destination's webhook URL instead of the URLs, which never go into config or the Lambdas' environment.
   */
  routes: z
    .unknown()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return undefined;
      try {
        return parseRoutes(raw, 'secretKey', 'certMonitor.routes');
      } catch (error) {
        if (!(error instanceof RoutesConfigError)) throw error;
        for (const message of error.problems) ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
    }),
});

/** The validated configuration, defaults filled in. */
export type CertMonitorConfig = z.output<typeof configSchema>;
export type OrganizationConfig = NonNullable<CertMonitorConfig['organization']>;

function keyOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (key, part) => (typeof part === 'number' ? `${key}[${part}]` : `${key}.${String(part)}`),
    CONFIG_CONTEXT_KEY,
  );
}

/**
 * Validates the raw context value (an object, or a JSON string when passed with `-c certMonitor='{...}'`).
 * @throws ConfigError naming every key at fault
 */
export function parseConfig(raw: unknown): CertMonitorConfig {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ConfigError([{ key: CONFIG_CONTEXT_KEY, message: 'is not valid JSON' }]);
    }
  }
  if (value === undefined || value === null) {
    throw new ConfigError([
      {
        key: CONFIG_CONTEXT_KEY,
        message: 'is missing: add a "certMonitor" object to "context" in cdk.json (docs/deploy.md lists every key)',
      },
    ]);
  }
  const result = configSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue): ConfigProblem[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          key: keyOf([...issue.path, key]),
          message: 'is not a known setting; check its spelling against docs/deploy.md',
        }))
      : [{ key: keyOf(issue.path), message: issue.message }],
  );
  throw new ConfigError(problems);
}

/** Reads and validates the configuration from a construct's context. */
export function loadConfig(node: Node): CertMonitorConfig {
  return parseConfig(node.tryGetContext(CONFIG_CONTEXT_KEY));
}
