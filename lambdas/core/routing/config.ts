/**
 * The routing table: which Slack destination owns which certificate. The CLI reads it from `--routes FILE`
 * (destinations are webhook URLs) and the stack from its config (destinations are keys of the Slack secret, so no
 * URL ever sits in config or env). One schema for both, so a table that works on a laptop works deployed.
 *
 * Mistakes in the table itself fail at load with the path of the bad field: a rule naming a destination that does
 * not exist would otherwise drop alerts into the default channel every day without anyone noticing.
 */
import * as z from 'zod/mini';
import { isAllowedWebhookUrl, WEBHOOK_URL_RULE } from '../slack/webhook-url';

/** A destination's name: what a tag value must spell exactly to choose it. */
export const DESTINATION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const DESTINATION_NAME_RULE = 'letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64';

/** An OU id as Organizations spells it (ou-<root part>-<8 to 32 characters>). */
export const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;

/** A key of the Slack secret naming a deployed destination's webhook URL. */
export const SECRET_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export type RouteRule = { certificateTag: string } | { accountTag: string } | { ou: Record<string, string> };

/** The certificate tags tried when the table lists no rules: the issue's defaults, most specific first. */
export const DEFAULT_ROUTE_RULES: readonly RouteRule[] = [
  { certificateTag: 'owner-slack' },
  { certificateTag: 'team' },
];

/** What the default destination's whole-organization digest holds: every certificate, or the summary only. */
export const ORGANIZATION_DIGEST_MODES = ['all', 'summary'] as const;
export type OrganizationDigestMode = (typeof ORGANIZATION_DIGEST_MODES)[number];

/** A checked routing table; destinations are webhook URLs (CLI) or the Slack secret's keys holding them (stack). */
export interface RoutesConfig {
  destinations: Record<string, string>;
  default: string;
  rules: RouteRule[];
  /** Each destination other than the default gets a digest of its own certificates. @default false */
  teamDigests: boolean;
  /** @default 'all' */
  organizationDigest: OrganizationDigestMode;
}

/** What a table's destination values are: webhook URLs (`--routes FILE`) or Slack secret keys (the stack). */
export type DestinationKind = 'url' | 'secretKey';

/** A tag key as AWS allows it (1 to 128 characters). */
const tagKey = () =>
  z
    .string()
    .check(z.minLength(1, 'a tag key cannot be empty'), z.maxLength(128, 'a tag key is at most 128 characters'));
const destinationName = () =>
  z.string().check(z.regex(DESTINATION_NAME, `a destination name is ${DESTINATION_NAME_RULE}`));

const destinationValue = (kind: DestinationKind) =>
  kind === 'url'
    ? z.string().check(z.refine(isAllowedWebhookUrl, WEBHOOK_URL_RULE))
    : z
        .string()
        .check(z.regex(SECRET_KEY, 'must be a key of the Slack secret (letters, digits, ".", "_", "-"), not a URL'));

const ruleSchema = () =>
  z.union([
    z.strictObject({ certificateTag: tagKey() }),
    z.strictObject({ accountTag: tagKey() }),
    z.strictObject({
      ou: z
        .record(z.string().check(z.regex(OU_ID, 'must be an OU id like ou-ab12-11111111')), destinationName())
        .check(z.refine((map) => Object.keys(map).length > 0, 'an ou rule maps at least one OU id to a destination')),
    }),
  ]);

/** Built on first use, like the report schema, so a bundle that never parses a table carries none of it. */
function routesSchema(kind: DestinationKind) {
  return z
    .strictObject({
      destinations: z
        .record(destinationName(), destinationValue(kind))
        .check(z.refine((map) => Object.keys(map).length > 0, 'name at least one destination')),
      default: destinationName(),
      rules: z.optional(z.array(ruleSchema())),
      teamDigests: z.optional(z.boolean()),
      organizationDigest: z.optional(z.enum(ORGANIZATION_DIGEST_MODES)),
    })
    .check(
      z.superRefine((routes, ctx) => {
        const known = Object.keys(routes.destinations);
        const unknown = (name: string, path: Array<string | number>) => {
          if (!known.includes(name))
            ctx.issues.push({
              code: 'custom',
              path,
              input: name,
              message: `"${name}" is not a destination (destinations: ${known.join(', ')})`,
            });
        };
        unknown(routes.default, ['default']);
        (routes.rules ?? []).forEach((rule, r) => {
          if ('ou' in rule) for (const [ou, name] of Object.entries(rule.ou)) unknown(name, ['rules', r, 'ou', ou]);
        });
      }),
    );
}

/** The routing table is unusable; the message lists every problem by its path. */
export class RoutesConfigError extends Error {
  override readonly name = 'RoutesConfigError';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: ${problems.join('; ')}`);
  }
}

/** Zod's issues by path, without the input values (a webhook URL is a credential and must not reach a log). */
function problemsOf(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string[] {
  return issues.flatMap((issue) => {
    const at = [...prefix, ...issue.path];
    const path = at.length > 0 ? at.map(String).join('.') : '(top level)';
    if (issue.code === 'unrecognized_keys') return [`${path}: unknown key(s) ${issue.keys.join(', ')}`];
    if (issue.code === 'invalid_key') return problemsOf(issue.issues, at);
    if (issue.code === 'invalid_union') {
      // The branch that got past its own key (its issues lie deeper) is the rule the author meant: say what is
      // wrong inside it rather than list the rule shapes.
      const meant = issue.errors.filter((branch) => branch.every((inner) => inner.path.length > 0));
      if (meant.length === 1 && meant[0] !== undefined) return problemsOf(meant[0], at);
      return [
        `${path}: a rule is one of {"certificateTag": KEY}, {"accountTag": KEY}, {"ou": {"ou-...": DESTINATION}}`,
      ];
    }
    if (issue.code === 'invalid_type')
      return [`${path}: must be ${issue.expected === 'object' ? 'a JSON object' : `a ${issue.expected}`}`];
    return [`${path}: ${issue.message}`];
  });
}

/**
 * Checks a routing table whose destinations are webhook URLs (`url`, the CLI) or Slack secret keys (`secretKey`,
 * the stack). `source` names where the table came from, for the error.
 */
export function parseRoutes(raw: unknown, kind: DestinationKind, source: string): RoutesConfig {
  const parsed = routesSchema(kind).safeParse(raw);
  if (!parsed.success) throw new RoutesConfigError(source, problemsOf(parsed.error.issues));
  const routes = parsed.data;
  return {
    destinations: routes.destinations,
    default: routes.default,
    rules: routes.rules ?? [...DEFAULT_ROUTE_RULES],
    teamDigests: routes.teamDigests ?? false,
    organizationDigest: routes.organizationDigest ?? 'all',
  };
}

/** Whether any rule needs the account's tags or OU ancestry from Organizations. */
export function routingNeeds(config: Pick<RoutesConfig, 'rules'>): { accountTags: boolean; ous: boolean } {
  return {
    accountTags: config.rules.some((rule) => 'accountTag' in rule),
    ous: config.rules.some((rule) => 'ou' in rule),
  };
}
