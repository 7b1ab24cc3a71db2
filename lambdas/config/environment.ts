/**
 * Reads a Lambda's settings from its environment, once at cold start: which variables it reads, their defaults and
 * ranges come from SETTINGS (infra sets exactly those); this file says how each kind of value is parsed. A missing
 * or malformed variable fails the cold start with an error that names it and says what it must hold, instead of a
 * run that goes wrong later.
 */
import * as z from 'zod/mini';
import { CORE_FEATURE_SET, FEATURE_SET_NAMES } from '../aws/permissions';
import {
  EXTERNAL_ID_RULE,
  isAccountId,
  isExternalId,
  isRoleArn,
  isRolePathAndName,
  ROLE_ARN_RULE,
  ROLE_PATH_AND_NAME_RULE,
} from '../core/aws-ids';
import { parseDnsServers } from '../core/diagnosis/servers';
import { parseEndpoint } from '../core/probe/endpoints-file';
import { looksLikeRegion } from '../core/regions';
import { parseRoutes, type RoutesConfig, RoutesConfigError } from '../core/routing/config';
import {
  type LambdaName,
  SETTINGS,
  type Setting,
  type SettingKey,
  type SettingKeysOf,
  settingsReadBy,
} from '../core/settings';

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

/** What each kind of setting parses to; absent optional values are `undefined`. */
type ValueOf<S> = S extends { kind: 'resource' }
  ? string
  : S extends { kind: 'wholeNumber' }
    ? number
    : S extends { kind: 'text'; default: string }
      ? string
      : S extends { kind: 'days' }
        ? number[]
        : S extends { kind: 'switch' }
          ? boolean
          : S extends { kind: 'list' | 'dnsServers' }
            ? string[] | undefined
            : S extends { kind: 'routes' }
              ? RoutesConfig | undefined
              : string | undefined;

export type SettingsOf<F extends LambdaName> = { [K in SettingKeysOf<F>]: ValueOf<(typeof SETTINGS)[K]> };

/** Adds a problem to the payload being parsed; the object schema prefixes the variable's name as the path. */
function problem(payload: z.core.ParsePayload, input: unknown, message: string): never {
  payload.issues.push({ code: 'custom', message, input });
  return z.NEVER;
}

/** Trimmed text, `undefined` when absent or empty, then `read` turns it into the value. */
const fromText = <T>(read: (text: string | undefined, fail: (message: string) => never, raw?: string) => T) =>
  z.pipe(
    z.optional(z.string()),
    z.transform((value: string | undefined, payload): T => {
      const text = value?.trim() === '' ? undefined : value?.trim();
      return read(text, (message) => problem(payload, value, message), value);
    }),
  );

const LIST_ITEMS = {
  accountIds: { what: '12-digit account ids', isValid: isAccountId },
  regionNames: { what: 'region names', isValid: looksLikeRegion },
  domainNames: {
    what: 'domain names such as example.com',
    // The Public Suffix List check (no public suffix) is the CT watch's, at its start: not every Lambda's bundle.
    isValid: (name: string) => /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(name),
  },
  featureSets: {
    what: 'optional feature set names',
    isValid: (name: string) => FEATURE_SET_NAMES.some((known) => known === name && known !== CORE_FEATURE_SET),
  },
  endpoints: { what: 'host[:port] endpoints', isValid: isEndpoint },
} as const;

function isEndpoint(item: string): boolean {
  try {
    parseEndpoint(item);
    return true;
  } catch {
    return false;
  }
}

const PATTERNS = {
  roleArn: { isValid: isRoleArn, rule: ROLE_ARN_RULE },
  externalId: { isValid: isExternalId, rule: EXTERNAL_ID_RULE },
  httpUrl: { isValid: (value: string) => /^https?:\/\/\S+$/.test(value), rule: 'an http(s) address' },
} as const;

function parserOf(setting: Setting, key: SettingKey) {
  switch (setting.kind) {
    case 'resource':
      return fromText((text, fail, raw) => {
        if (text === undefined)
          return fail(`${raw === undefined ? 'is required' : 'must not be empty'}: ${setting.what}`);
        if (key === 'region' && !looksLikeRegion(text)) return fail('must be an AWS region name such as eu-west-1');
        return text;
      });
    case 'wholeNumber':
      return fromText((text, fail) => {
        if (text === undefined) return setting.default;
        const number = Number(text);
        if (!Number.isInteger(number) || number < setting.min || number > setting.max) {
          return fail(`must be a whole number from ${setting.min} to ${setting.max}, got "${text}"`);
        }
        return number;
      });
    case 'text':
      return fromText((text, fail) => {
        if (text !== undefined && text.length > setting.maxLength) {
          return fail(`must be at most ${setting.maxLength} characters: ${setting.what}`);
        }
        if (text !== undefined && key === 'auditRoleName' && !isRolePathAndName(text)) {
          return fail(`must be ${ROLE_PATH_AND_NAME_RULE}`);
        }
        return text ?? setting.default;
      });
    case 'list':
      return fromText((text, fail) => {
        const items = (text ?? '')
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== '');
        if (items.length === 0) return undefined;
        const { what, isValid } = LIST_ITEMS[setting.items];
        const wrong = items.filter((item) => !isValid(item));
        if (wrong.length > 0) return fail(`must be a comma-separated list of ${what}, got "${wrong.join(', ')}"`);
        return [...new Set(items)];
      });
    case 'days':
      return fromText((text, fail) => {
        if (text === undefined) return [...setting.default];
        const numbers = text.split(',').map((item) => Number(item.trim()));
        if (numbers.some((n) => !Number.isInteger(n) || n < setting.min || n > setting.max)) {
          return fail(`must be comma-separated whole days from ${setting.min} to ${setting.max}, got "${text}"`);
        }
        return [...new Set(numbers)].sort((a, b) => b - a);
      });
    case 'pattern':
      return fromText((text, fail) => {
        const { isValid, rule } = PATTERNS[setting.pattern];
        if (text !== undefined && !isValid(text)) return fail(`must be ${rule}: ${setting.what}`);
        return text;
      });
    case 'switch':
      return fromText((text) => text !== 'off');
    case 'dnsServers':
      return fromText((text, fail) => {
        if (text === undefined) return undefined;
        try {
          return parseDnsServers(text);
        } catch (error) {
          return fail((error as Error).message);
        }
      });
    case 'routes':
      return fromText((text, fail) => {
        if (text === undefined) return undefined;
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          return fail(`must be JSON: ${setting.what}`);
        }
        try {
          return parseRoutes(json, 'secretKey', 'the routing table');
        } catch (error) {
          if (error instanceof RoutesConfigError)
            return fail(`is not a usable routing table: ${error.problems.join('; ')}`);
          throw error;
        }
      });
  }
}

/** Reads the settings `fn` reads (and only those) from the environment. */
export function loadSettings<F extends LambdaName>(fn: F, env: Environment): SettingsOf<F> {
  const keys = settingsReadBy(fn);
  const schema = z.object(Object.fromEntries(keys.map((key) => [SETTINGS[key].env, parserOf(SETTINGS[key], key)])));
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HandlerConfigError(String(issue?.path[0] ?? 'environment'), issue?.message ?? 'is invalid');
  }
  const values = parsed.data as Record<string, unknown>;
  return Object.fromEntries(keys.map((key) => [key, values[SETTINGS[key].env]])) as SettingsOf<F>;
}
