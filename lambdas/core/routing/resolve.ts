/**
 * Which destination owns a certificate, and why: the rules are tried in order and the first one whose value names a
 * destination wins; a rule that cannot decide falls through to the next, and the default destination takes what
 * nobody owns. Exactly one destination per certificate, so an alert is never sent to two teams or to none.
 *
 * Falling through is the norm for a missing tag (most certificates carry only some keys) and is not reported; a
 * value that names no destination is a mistake someone made on purpose-built tags, so it is reported
 * (`RoutingProblem`) next to the route it caused, in the report and in the default destination's digest.
 */
import { DESTINATION_NAME, type RouteRule, type RoutesConfig } from './config';

/** The rule that chose a destination: `certificateTag:<key>`, `accountTag:<key>`, `ou:<ou id>` or `default`. */
export type RouteRuleId = string;

export interface Route {
  destination: string;
  rule: RouteRuleId;
  /** The tag value or OU id that chose it; absent for the default. */
  value?: string;
}

/** A value found while routing that named no destination (the report's `routingProblems`). */
export interface RoutingProblem {
  value: string;
  rule: RouteRuleId;
  reason: string;
}

/** What Organizations says about an account, as far as routing reads it. */
export interface AccountRouting {
  accountId: string;
  /** The account's tags; absent when not read (no rule needs them) or unreadable (`tagsError`). */
  tags?: Record<string, string>;
  tagsError?: string;
  /** The OUs holding the account, nearest first, up to (not including) the root; absent when not read. */
  ouPath?: string[];
  ouError?: string;
}

export interface RoutingSubject {
  /** The certificate's tags; absent for an incident with no certificate (an account's coverage gap). */
  certificateTags?: Record<string, string>;
  account?: AccountRouting;
}

export interface RouteDecision {
  route: Route;
  problems: RoutingProblem[];
}

export function ruleId(rule: RouteRule): RouteRuleId {
  if ('certificateTag' in rule) return `certificateTag:${rule.certificateTag}`;
  if ('accountTag' in rule) return `accountTag:${rule.accountTag}`;
  return 'ou';
}

/** Why a present tag value chose nothing, or undefined when it names a destination. */
function tagValueProblem(value: string, destinations: readonly string[]): string | undefined {
  if (destinations.includes(value)) return undefined;
  if (value.trim() === '') return 'the tag is empty';
  if (!DESTINATION_NAME.test(value)) {
    const near = destinations.find((name) => name === value.trim());
    return near !== undefined
      ? `malformed: spaces around the destination name (did you mean "${near}"?)`
      : 'malformed: not a destination name (letters, digits, ".", "_", "-")';
  }
  const near = destinations.find((name) => name.toLowerCase() === value.toLowerCase());
  return near !== undefined
    ? `names no destination: destination names are exact (did you mean "${near}"?)`
    : `names no destination (destinations: ${destinations.join(', ')})`;
}

function tagRule(
  kind: 'certificateTag' | 'accountTag',
  key: string,
  tags: Record<string, string> | undefined,
  destinations: readonly string[],
  problems: RoutingProblem[],
): Route | undefined {
  const value = tags?.[key];
  if (value === undefined) return undefined;
  const rule = `${kind}:${key}`;
  const reason = tagValueProblem(value, destinations);
  if (reason === undefined) return { destination: value, rule, value };
  problems.push({ value, rule, reason });
  return undefined;
}

/** The nearest OU of the account's ancestry that the map names: a rule for an OU covers everything below it. */
function ouRule(map: Record<string, string>, account: AccountRouting | undefined): Route | undefined {
  for (const ou of account?.ouPath ?? []) {
    const destination = map[ou];
    if (destination !== undefined) return { destination, rule: `ou:${ou}`, value: ou };
  }
  return undefined;
}

/**
 * Routes one certificate (or one account, without certificate tags). Pure: the same table and the same tags give
 * the same destination, which is what lets an outbox keyed by destination deliver each message once.
 */
export function resolveRoute(config: RoutesConfig, subject: RoutingSubject): RouteDecision {
  const destinations = Object.keys(config.destinations);
  const problems: RoutingProblem[] = [];
  const account = subject.account;
  let readErrorsReported = false;
  for (const rule of config.rules) {
    let route: Route | undefined;
    if ('certificateTag' in rule) {
      route = tagRule('certificateTag', rule.certificateTag, subject.certificateTags, destinations, problems);
    } else if ('accountTag' in rule) {
      if (account?.tagsError !== undefined && !readErrorsReported) {
        problems.push({ value: account.accountId, rule: ruleId(rule), reason: account.tagsError });
        readErrorsReported = true;
      }
      route = tagRule('accountTag', rule.accountTag, account?.tags, destinations, problems);
    } else {
      if (account?.ouError !== undefined) {
        problems.push({ value: account.accountId, rule: 'ou', reason: account.ouError });
      }
      route = ouRule(rule.ou, account);
    }
    if (route !== undefined) return { route, problems };
  }
  return { route: { destination: config.default, rule: 'default' }, problems };
}

/** One line every routed message carries: why it reached this channel. */
export function describeRoute(route: Pick<Route, 'rule' | 'value'>): string {
  const [kind, ...rest] = route.rule.split(':');
  const key = rest.join(':');
  switch (kind) {
    case 'certificateTag':
      return `routed by tag ${key}=${route.value ?? ''}`;
    case 'accountTag':
      return `routed by account tag ${key}=${route.value ?? ''}`;
    case 'ou':
      return `routed by OU ${key}`;
    default:
      return 'no owner';
  }
}

/** The same problem found on many certificates, once (the report and digest list each mistake, not each use). */
export function uniqueProblems(problems: Iterable<RoutingProblem>): RoutingProblem[] {
  const byKey = new Map<string, RoutingProblem>();
  for (const problem of problems) {
    byKey.set(`${problem.rule}\u0000${problem.value}\u0000${problem.reason}`, problem);
  }
  return [...byKey.values()].sort((a, b) =>
    a.rule === b.rule ? (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) : a.rule < b.rule ? -1 : 1,
  );
}
