/**
 * The Slack webhook URLs, read from one Secrets Manager secret whose value is JSON
 * `{"digestWebhookUrl": "...", "alertsWebhookUrl": "..."}`. Either may be empty or absent: that webhook is not
 * configured. The value is cached per client for `maxAgeMs`, so warm invocations do not call Secrets Manager again.
 * Errors name the secret and how to fix it, never its value (the URLs are credentials).
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { SLACK_SECRET_PLACEHOLDER } from '../core/names';
import { type Clock, systemClock } from '../core/ports';
import { isAllowedWebhookUrl, WEBHOOK_URL_RULE } from '../core/slack/webhook-url';

export interface SlackWebhooks {
  /** Where the daily digest goes; undefined when not configured. */
  digestWebhookUrl?: string;
  /** Where on-call alerts and heartbeat messages go; undefined when not configured. */
  alertsWebhookUrl?: string;
  /**
   * Owner routing's destinations, by the secret key the routing table names (`{"web": "webWebhookUrl"}` reads the
   * secret's `webWebhookUrl`); a key left empty is absent.
   */
  destinations?: Record<string, string>;
}

export interface LoadSlackWebhooksOptions {
  /** How long a value read from Secrets Manager is reused. @default 300_000 (5 minutes) */
  maxAgeMs?: number;
  /** Clock, for tests. */
  clock?: Clock;
  /** Further keys the secret may hold: the routing table's destinations (each a webhook URL or ""). */
  destinationKeys?: readonly string[];
}

/** The Slack secret is missing, unreadable or malformed. */
export class SlackSecretError extends Error {
  override readonly name = 'SlackSecretError';

  constructor(
    readonly secretId: string,
    problem: string,
    /** The AWS error code when Secrets Manager refused the read. */
    readonly errorCode?: string,
  ) {
    super(`Slack secret ${secretId}: ${problem}. ${howToSet(secretId)}`);
  }
}

function howToSet(secretId: string): string {
  const example = JSON.stringify({
    digestWebhookUrl: 'https://hooks.slack.com/services/...',
    alertsWebhookUrl: 'https://hooks.slack.com/services/...',
  });
  return `Set it with: aws secretsmanager put-secret-value --secret-id ${secretId} --secret-string '${example}' (either URL may be "" to leave that channel off)`;
}

const webhookUrl = z.pipe(
  z.nullish(z.union([z.literal(''), z.string().check(z.refine(isAllowedWebhookUrl))])),
  z.transform((value: string | null | undefined) => (value === '' || value === null ? undefined : value)),
);

const secretSchema = (destinationKeys: readonly string[]) =>
  z.strictObject({
    ...Object.fromEntries(destinationKeys.map((key) => [key, webhookUrl])),
    digestWebhookUrl: webhookUrl,
    alertsWebhookUrl: webhookUrl,
  });

/** What is wrong with a parsed value, by key only (Zod's own messages could echo the input). */
function describeIssues(issues: readonly z.core.$ZodIssue[], destinationKeys: readonly string[]): string {
  const known = [...Object.keys(SLACK_SECRET_PLACEHOLDER), ...destinationKeys].join(', ');
  return issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') return `unknown key(s) ${issue.keys.join(', ')} (expected ${known})`;
      const key = issue.path.join('.');
      return key === '' ? 'the value is not a JSON object' : `${key} ${WEBHOOK_URL_RULE} (or "")`;
    })
    .join('; ');
}

function parseSlackSecret(
  secretId: string,
  secretString: string,
  destinationKeys: readonly string[] = [],
): SlackWebhooks {
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    // JSON.parse's message quotes the text around the error, i.e. part of the secret: say only what is wrong.
    throw new SlackSecretError(secretId, 'the value is not JSON');
  }
  const parsed = secretSchema(destinationKeys).safeParse(json);
  if (!parsed.success) throw new SlackSecretError(secretId, describeIssues(parsed.error.issues, destinationKeys));
  const values = parsed.data as Record<string, string | undefined>;
  const webhooks: SlackWebhooks = {};
  if (values.digestWebhookUrl !== undefined) webhooks.digestWebhookUrl = values.digestWebhookUrl;
  if (values.alertsWebhookUrl !== undefined) webhooks.alertsWebhookUrl = values.alertsWebhookUrl;
  if (destinationKeys.length > 0) {
    const destinations: Record<string, string> = {};
    for (const key of destinationKeys) {
      const url = values[key];
      if (url !== undefined) destinations[key] = url;
    }
    webhooks.destinations = destinations;
  }
  return webhooks;
}

interface CacheEntry {
  expiresAt: number;
  value: Promise<SlackWebhooks>;
}

/** Per client (one per cold start in a Lambda), per secret. Concurrent first reads share one call. */
const cache = new WeakMap<SecretsManagerClient, Map<string, CacheEntry>>();

async function fetchSlackWebhooks(
  client: SecretsManagerClient,
  secretId: string,
  destinationKeys: readonly string[],
): Promise<SlackWebhooks> {
  let secretString: string | undefined;
  try {
    ({ SecretString: secretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId })));
  } catch (error) {
    const code = error instanceof Error ? error.name : 'UnknownError';
    const problem =
      code === 'ResourceNotFoundException'
        ? 'it does not exist or has no value yet'
        : code === 'AccessDeniedException'
          ? 'this function may not read it (secretsmanager:GetSecretValue, and kms:Decrypt for its key)'
          : `reading it failed with ${code}`;
    throw new SlackSecretError(secretId, problem, code);
  }
  if (secretString === undefined) throw new SlackSecretError(secretId, 'it holds a binary value, not a JSON string');
  return parseSlackSecret(secretId, secretString, destinationKeys);
}

/**
 * The webhook URLs from the Slack secret; URLs left empty (the stack's placeholder) come back undefined, meaning
 * "Slack not configured". Throws `SlackSecretError` when the secret is missing, unreadable or malformed.
 */
export async function loadSlackWebhooks(
  client: SecretsManagerClient,
  secretId: string,
  options: LoadSlackWebhooksOptions = {},
): Promise<SlackWebhooks> {
  const clock = options.clock ?? systemClock;
  const now = () => clock().getTime();
  const maxAgeMs = options.maxAgeMs ?? 300_000;
  let entries = cache.get(client);
  if (entries === undefined) {
    entries = new Map();
    cache.set(client, entries);
  }
  const destinationKeys = [...new Set(options.destinationKeys ?? [])].sort();
  const cacheKey = destinationKeys.length === 0 ? secretId : `${secretId}\u0000${destinationKeys.join('\u0000')}`;
  const cached = entries.get(cacheKey);
  if (cached !== undefined && cached.expiresAt > now()) return { ...(await cached.value) };

  const value = fetchSlackWebhooks(client, secretId, destinationKeys);
  const entry: CacheEntry = { expiresAt: now() + maxAgeMs, value };
  entries.set(cacheKey, entry);
  try {
    return { ...(await value) };
  } catch (error) {
    // A failed read is not remembered: the next invocation tries again (the operator may have fixed it).
    if (entries.get(cacheKey) === entry) entries.delete(cacheKey);
    throw error;
  }
}
