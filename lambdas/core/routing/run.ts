/**
 * Routing a whole run: every certificate of the snapshot and every account once, the routes of incidents (a
 * coverage gap concerns every team with certificates in that target, so it reaches each of them, once), and the
 * problems by target for the report. Pure; the completion calls it once and hands the result to the report, the
 * alerts and the digests, so all three agree on who owns what.
 */
import { type TargetResult, WHOLE_ACCOUNT } from '../model';
import type { Incident } from '../notices';
import type { RoutesConfig } from './config';
import { type AccountRouting, type Route, type RoutingProblem, resolveRoute, uniqueProblems } from './resolve';

export interface RoutedCertificate {
  arn: string;
  accountId: string;
  region: string;
  tags: Record<string, string>;
}

export interface RunRouting {
  /** The default destination: what nobody owns, the organization's digest, the fallback of a broken webhook. */
  defaultDestination: string;
  destinations: readonly string[];
  /** Each certificate's route, by ARN. */
  byArn: ReadonlyMap<string, Route>;
  /** Each certificate's route with where it lives, for incidents that concern a whole target. */
  certificateRoutes: ReadonlyArray<{ accountId: string; region: string; route: Route }>;
  /** Each account's route (account rules only), by account id. */
  byAccount: ReadonlyMap<string, Route>;
  /** Problems found on each target's certificates and account, by `accountId#region`. */
  problemsByTarget: ReadonlyMap<string, RoutingProblem[]>;
  /** Every problem of the run, each once. */
  problems: RoutingProblem[];
}

const targetKeyOf = (accountId: string, region: string) => `${accountId}#${region}`;

export function routeRun(
  config: RoutesConfig,
  certificates: readonly RoutedCertificate[],
  targets: readonly Pick<TargetResult, 'accountId' | 'region'>[],
  accounts: ReadonlyMap<string, AccountRouting>,
): RunRouting {
  const byArn = new Map<string, Route>();
  const byAccount = new Map<string, Route>();
  const certificateRoutes: Array<{ accountId: string; region: string; route: Route }> = [];
  const problemsByTarget = new Map<string, RoutingProblem[]>();
  const all: RoutingProblem[] = [];
  const note = (key: string, problems: readonly RoutingProblem[]) => {
    if (problems.length === 0) return;
    problemsByTarget.set(key, [...(problemsByTarget.get(key) ?? []), ...problems]);
    all.push(...problems);
  };
  const accountIds = new Set([...targets.map((t) => t.accountId), ...certificates.map((c) => c.accountId)]);
  const accountProblems = new Map<string, RoutingProblem[]>();
  for (const accountId of accountIds) {
    const decision = resolveRoute(config, { account: accounts.get(accountId) ?? { accountId } });
    byAccount.set(accountId, decision.route);
    accountProblems.set(accountId, decision.problems);
  }
  for (const target of targets)
    note(targetKeyOf(target.accountId, target.region), accountProblems.get(target.accountId) ?? []);
  for (const cert of certificates) {
    const decision = resolveRoute(config, {
      certificateTags: cert.tags,
      account: accounts.get(cert.accountId) ?? { accountId: cert.accountId },
    });
    byArn.set(cert.arn, decision.route);
    certificateRoutes.push({ accountId: cert.accountId, region: cert.region, route: decision.route });
    note(targetKeyOf(cert.accountId, cert.region), decision.problems);
  }
  for (const [key, problems] of problemsByTarget) problemsByTarget.set(key, uniqueProblems(problems));
  return {
    defaultDestination: config.default,
    destinations: Object.keys(config.destinations),
    byArn,
    certificateRoutes,
    byAccount,
    problemsByTarget,
    problems: uniqueProblems(all),
  };
}

/**
 * Where an incident's messages go, each destination once: a certificate's to its owner; an account's coverage gap
 * to the account's owner and to every owner of a certificate in the target it could not scan (they all lose
 * sight of their certificates); the monitor's own trouble to the default destination.
 */
export function incidentRoutes(
  routing: RunRouting,
  incident: Pick<Incident, 'kind' | 'arn' | 'accountId' | 'region'>,
): Route[] {
  const fallback: Route = { destination: routing.defaultDestination, rule: 'default' };
  if (incident.kind === 'MONITOR_STATE_TABLE') return [fallback];
  if (incident.arn !== undefined) {
    return [routing.byArn.get(incident.arn) ?? routing.byAccount.get(incident.accountId) ?? fallback];
  }
  const routes = [routing.byAccount.get(incident.accountId) ?? fallback];
  for (const { accountId, region, route } of routing.certificateRoutes) {
    if (accountId !== incident.accountId) continue;
    if (incident.region !== WHOLE_ACCOUNT && region !== incident.region) continue;
    routes.push(route);
  }
  const byDestination = new Map<string, Route>();
  for (const route of routes) if (!byDestination.has(route.destination)) byDestination.set(route.destination, route);
  return [...byDestination.values()].sort((a, b) => (a.destination < b.destination ? -1 : 1));
}
