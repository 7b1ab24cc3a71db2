/**
 * Each Lambda's settings, read from its environment once at cold start and checked with Zod. The variable names
 * come from ENV (infra/ sets exactly these); a missing or malformed one fails the cold start with an error that
 * names the variable and says what it must hold, instead of a run that goes wrong later.
 */
import * as z from 'zod/mini';
import { CORE_FEATURE_SET, FEATURE_SET_NAMES } from '../aws/permissions';
import { DEFAULT_DESCRIBE_CONCURRENCY } from '../aws/rate-limit';
import { DEFAULT_HISTORY_DAYS } from '../aws/state-store';
import { DEFAULT_OWNER_TAG_KEY } from '../core/changes';
import { DEFAULT_DNS_TIMEOUT_MS, parseDnsServers } from '../core/diagnosis/servers';
import {
  DEFAULT_AUDIT_ROLE_NAME,
  DEFAULT_CHANGE_THRESHOLDS,
  DEFAULT_EXPIRY_DAYS,
  DEFAULT_REFRESH_DAYS,
  ENV,
} from '../core/names';
import { looksLikeRegion } from '../core/regions';

/** Set by the Lambda runtime (and by the local runner): the hub region the clients call. */
export const AWS_REGION_VARIABLE = 'AWS_REGION';

/** Defaults for variables the stack always sets; they only apply when a function is configured by hand. */
export const DEFAULT_SCHEDULE_PERIOD_HOURS = 24;
export const DEFAULT_HEARTBEAT_GRACE_HOURS = 6;

export type Environment = Readonly<Record<string, string | undefined>>;

/** A variable is missing or malformed. `variable` is its name, the message says what it must hold. */
export class HandlerConfigError extends Error {
  override readonly name = 'HandlerConfigError';

  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Environment variable ${variable} ${problem}`);
  }
}

const required = (what: string) =>
  z.string({ error: `is required: ${what}` }).check(z.trim(), z.minLength(1, { error: `must not be empty: ${what}` }));

/** Adds a problem to the payload being parsed; the object schema prefixes the variable's name as the path. */
function problem(payload: z.core.ParsePayload, input: unknown, message: string): never {
  payload.issues.push({ code: 'custom', message, input });
  return z.NEVER;
}

const optionalText = z.pipe(
  z.optional(z.string().check(z.trim())),
  z.transform((value: string | undefined) => (value === '' ? undefined : value)),
);

const wholeNumber = (min: number, max: number, fallback: number) =>
  z.pipe(
    z.optional(z.string().check(z.trim())),
    z.transform((value: string | undefined, payload): number => {
      if (value === undefined || value === '') return fallback;
      const number = Number(value);
      if (!Number.isInteger(number) || number < min || number > max) {
        return problem(payload, value, `must be a whole number from ${min} to ${max}, got "${value}"`);
      }
      return number;
    }),
  );

/** Comma-separated values; absent or empty means "not set". */
const commaList = (what: string, isValid: (item: string) => boolean) =>
  z.pipe(
    z.optional(z.string()),
    z.transform((value: string | undefined, payload): string[] | undefined => {
      const items = (value ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
      if (items.length === 0) return undefined;
      const wrong = items.filter((item) => !isValid(item));
      if (wrong.length > 0) {
        return problem(payload, value, `must be a comma-separated list of ${what}, got "${wrong.join(', ')}"`);
      }
      return [...new Set(items)];
    }),
  );

const thresholds = z.pipe(
  z.optional(z.string()),
  z.transform((value: string | undefined, payload): number[] => {
    if (value === undefined || value.trim() === '') return [...DEFAULT_CHANGE_THRESHOLDS];
    const numbers = value.split(',').map((item) => Number(item.trim()));
    if (numbers.some((n) => !Number.isInteger(n) || n < 1 || n > 3650)) {
      return problem(payload, value, `must be comma-separated whole days from 1 to 3650, got "${value}"`);
    }
    return [...new Set(numbers)].sort((a, b) => b - a);
  }),
);

const region = required('the hub region, e.g. eu-west-1').check(
  z.refine(looksLikeRegion, { error: 'must be an AWS region name such as eu-west-1' }),
);

const optionalMatching = (pattern: RegExp, error: string) =>
  z.pipe(optionalText, z.optional(z.string().check(z.refine((value) => pattern.test(value), { error }))));

/** `HOST:PORT,HOST:PORT` as parseDnsServers reads it; absent: the Lambda's own resolver. */
const dnsServers = z.pipe(
  optionalText,
  z.transform((value: string | undefined, ctx) => {
    if (value === undefined) return undefined;
    try {
      return parseDnsServers(value);
    } catch (error) {
      ctx.issues.push({ code: 'custom', message: (error as Error).message, input: value });
      return z.NEVER;
    }
  }),
);

const roleArn = optionalMatching(
  /^arn:[^:]+:iam::\d{12}:role\/.+/,
  'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
);

const accountIds = commaList('12-digit account ids', (item) => /^\d{12}$/.test(item));
const regionNames = commaList('region names', looksLikeRegion);

const tableName = required('the name of the state table');
const workBucket = required('the name of the work-list bucket');
const slackSecretArn = required('the ARN or name of the Slack webhook secret');
const historyDays = wholeNumber(1, 3650, DEFAULT_HISTORY_DAYS);
const expiryDays = wholeNumber(1, 3650, DEFAULT_EXPIRY_DAYS);
const ownerTagKey = z.pipe(
  optionalText,
  z.transform((value: string | undefined) => value ?? DEFAULT_OWNER_TAG_KEY),
);

function load<S extends z.ZodMiniType>(schema: S, env: Environment): z.output<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const variable = String(issue?.path[0] ?? 'environment');
  throw new HandlerConfigError(variable, issue?.message ?? 'is invalid');
}

const listTargetsSchema = z.pipe(
  z.object({
    [AWS_REGION_VARIABLE]: region,
    [ENV.tableName]: tableName,
    [ENV.workBucket]: workBucket,
    [ENV.organizationRoleArn]: roleArn,
    [ENV.accounts]: accountIds,
    [ENV.excludedAccounts]: accountIds,
    [ENV.expiryDays]: expiryDays,
    [ENV.historyDays]: historyDays,
    [ENV.events]: regionNames,
  }),
  z.transform((env) => ({
    region: env[AWS_REGION_VARIABLE],
    tableName: env[ENV.tableName],
    workBucket: env[ENV.workBucket],
    /** The regions the event path watches: their empty, unmarked targets may be left unlisted for a few days. */
    eventRegions: env[ENV.events],
    organizationRoleArn: env[ENV.organizationRoleArn],
    accounts: env[ENV.accounts] ?? ('organization' as const),
    excludedAccounts: env[ENV.excludedAccounts] ?? [],
    expiryDays: env[ENV.expiryDays],
    historyDays: env[ENV.historyDays],
  })),
);

export type ListTargetsConfig = z.output<typeof listTargetsSchema>;

export function loadListTargetsConfig(env: Environment): ListTargetsConfig {
  return load(listTargetsSchema, env);
}

const scanTargetSchema = z.pipe(
  z.object({
    [AWS_REGION_VARIABLE]: region,
    [ENV.tableName]: tableName,
    [ENV.auditRoleName]: optionalText,
    [ENV.externalId]: optionalText,
    [ENV.regions]: regionNames,
    [ENV.expiryDays]: expiryDays,
    [ENV.changeThresholds]: thresholds,
    [ENV.refreshDays]: wholeNumber(1, 365, DEFAULT_REFRESH_DAYS),
    [ENV.describeConcurrency]: wholeNumber(1, 10, DEFAULT_DESCRIBE_CONCURRENCY),
    [ENV.ownerTagKey]: ownerTagKey,
    [ENV.historyDays]: historyDays,
    [ENV.features]: commaList('optional feature set names', (name) =>
      FEATURE_SET_NAMES.some((known) => known === name && known !== CORE_FEATURE_SET),
    ),
  }),
  z.transform((env) => ({
    region: env[AWS_REGION_VARIABLE],
    tableName: env[ENV.tableName],
    features: env[ENV.features] ?? [],
    auditRoleName: env[ENV.auditRoleName] ?? DEFAULT_AUDIT_ROLE_NAME,
    externalId: env[ENV.externalId],
    regions: env[ENV.regions] ?? ('enabled' as const),
    expiryDays: env[ENV.expiryDays],
    changeThresholds: env[ENV.changeThresholds],
    refreshDays: env[ENV.refreshDays],
    describeConcurrency: env[ENV.describeConcurrency],
    ownerTagKey: env[ENV.ownerTagKey],
    historyDays: env[ENV.historyDays],
  })),
);

export type ScanTargetConfig = z.output<typeof scanTargetSchema>;

export function loadScanTargetConfig(env: Environment): ScanTargetConfig {
  return load(scanTargetSchema, env);
}

const finalizeRunSchema = z.pipe(
  z.object({
    [AWS_REGION_VARIABLE]: region,
    [ENV.tableName]: tableName,
    [ENV.workBucket]: workBucket,
    [ENV.slackSecretArn]: slackSecretArn,
    [ENV.expiryDays]: expiryDays,
    [ENV.ownerTagKey]: ownerTagKey,
    [ENV.historyDays]: historyDays,
    [ENV.reportBaseUrl]: optionalMatching(
      /^https?:\/\/\S+$/,
      'must be an http(s) address under which runs/<runId>/report.html is served',
    ),
    [ENV.dnsDiagnosis]: optionalText,
    [ENV.dnsServers]: dnsServers,
    [ENV.dnsTimeoutMs]: wholeNumber(100, 10_000, DEFAULT_DNS_TIMEOUT_MS),
    [ENV.events]: regionNames,
  }),
  z.transform((env) => ({
    region: env[AWS_REGION_VARIABLE],
    tableName: env[ENV.tableName],
    workBucket: env[ENV.workBucket],
    /** The event path is deployed: its changes join the digest and its silence is judged. */
    events: env[ENV.events] !== undefined,
    slackSecretId: env[ENV.slackSecretArn],
    expiryDays: env[ENV.expiryDays],
    ownerTagKey: env[ENV.ownerTagKey],
    historyDays: env[ENV.historyDays],
    reportBaseUrl: env[ENV.reportBaseUrl],
    dnsDiagnosis: {
      enabled: env[ENV.dnsDiagnosis] !== 'off',
      servers: env[ENV.dnsServers],
      timeoutMs: env[ENV.dnsTimeoutMs],
    },
  })),
);

export type FinalizeRunConfig = z.output<typeof finalizeRunSchema>;

export function loadFinalizeRunConfig(env: Environment): FinalizeRunConfig {
  return load(finalizeRunSchema, env);
}

const heartbeatSchema = z.pipe(
  z.object({
    [AWS_REGION_VARIABLE]: region,
    [ENV.tableName]: tableName,
    [ENV.slackSecretArn]: slackSecretArn,
    [ENV.schedulePeriodHours]: wholeNumber(1, 24 * 31, DEFAULT_SCHEDULE_PERIOD_HOURS),
    [ENV.heartbeatGraceHours]: wholeNumber(1, 24 * 7, DEFAULT_HEARTBEAT_GRACE_HOURS),
    [ENV.ownerTagKey]: ownerTagKey,
    [ENV.historyDays]: historyDays,
  }),
  z.transform((env) => ({
    region: env[AWS_REGION_VARIABLE],
    tableName: env[ENV.tableName],
    slackSecretId: env[ENV.slackSecretArn],
    schedulePeriodHours: env[ENV.schedulePeriodHours],
    heartbeatGraceHours: env[ENV.heartbeatGraceHours],
    ownerTagKey: env[ENV.ownerTagKey],
    historyDays: env[ENV.historyDays],
  })),
);

export type HeartbeatConfig = z.output<typeof heartbeatSchema>;

export function loadHeartbeatConfig(env: Environment): HeartbeatConfig {
  return load(heartbeatSchema, env);
}

const eventsSchema = z.pipe(
  z.object({
    [AWS_REGION_VARIABLE]: region,
    [ENV.tableName]: tableName,
    [ENV.slackSecretArn]: slackSecretArn,
    [ENV.auditRoleName]: optionalText,
    [ENV.externalId]: optionalText,
    [ENV.expiryDays]: expiryDays,
    [ENV.changeThresholds]: thresholds,
    [ENV.refreshDays]: wholeNumber(1, 365, DEFAULT_REFRESH_DAYS),
    [ENV.describeConcurrency]: wholeNumber(1, 10, DEFAULT_DESCRIBE_CONCURRENCY),
    [ENV.ownerTagKey]: ownerTagKey,
    [ENV.historyDays]: historyDays,
    [ENV.features]: commaList('optional feature set names', (name) =>
      FEATURE_SET_NAMES.some((known) => known === name && known !== CORE_FEATURE_SET),
    ),
    [ENV.dnsDiagnosis]: optionalText,
    [ENV.dnsServers]: dnsServers,
    [ENV.dnsTimeoutMs]: wholeNumber(100, 10_000, DEFAULT_DNS_TIMEOUT_MS),
  }),
  z.transform((env) => ({
    region: env[AWS_REGION_VARIABLE],
    tableName: env[ENV.tableName],
    slackSecretId: env[ENV.slackSecretArn],
    auditRoleName: env[ENV.auditRoleName] ?? DEFAULT_AUDIT_ROLE_NAME,
    externalId: env[ENV.externalId],
    features: env[ENV.features] ?? [],
    expiryDays: env[ENV.expiryDays],
    changeThresholds: env[ENV.changeThresholds],
    refreshDays: env[ENV.refreshDays],
    describeConcurrency: env[ENV.describeConcurrency],
    ownerTagKey: env[ENV.ownerTagKey],
    historyDays: env[ENV.historyDays],
    dnsDiagnosis: {
      enabled: env[ENV.dnsDiagnosis] !== 'off',
      servers: env[ENV.dnsServers],
      timeoutMs: env[ENV.dnsTimeoutMs],
    },
  })),
);

/** The Events Lambda: the scan's settings (it rescans targets) and the alerting's (it plans and sends alerts). */
export type EventsConfig = z.output<typeof eventsSchema>;

export function loadEventsConfig(env: Environment): EventsConfig {
  return load(eventsSchema, env);
}
