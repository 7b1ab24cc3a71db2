/**
 * The Slack side of a run with owner routing, for the completion (run/complete-run.ts): the alert routing that
 * posts each destination's copy to its own webhook, and the digests — one per team destination with its own
 * certificates, and the whole organization's in the default destination with who owns what. Kept beside the
 * completion so the pipeline and the CLI route alike; without a routing table none of this runs.
 */
import type { AlertRouting, SendRouted } from '../alerting';
import type { DigestMarker } from '../aws/store/digest-marker';
import type { AssessedCertificate, Certificate, TargetResult } from '../core/model';
import type { DigestInput } from '../core/notices';
import { type AccountRouting, incidentRoutes, type RoutesConfig, type RunRouting, routeRun } from '../core/routing';
import { type RoutingSummary, renderAlert, renderDigest } from '../core/slack';
import { SlackWebhookBrokenError } from '../slack';
import { type PostOutcome, postOutcome, type SlackPosterFactory, type SlackSetup } from '../wiring/slack';

/** What the completion needs to route a run. */
export interface CompletionRouting {
  config: RoutesConfig;
  /** What Organizations says about the run's accounts (tags, OUs), for account and OU rules; read where listed. */
  accounts: ReadonlyMap<string, AccountRouting>;
  /**
   * Each destination's webhook URL: the routing file's own (CLI), or the Slack secret's value under the key the
   * stack's table names. A destination without one is treated as broken: its messages go to the default.
   */
  urls(slack: SlackSetup): Record<string, string | undefined>;
}

/** The CLI's table holds the URLs themselves. */
export function urlsFromTable(config: RoutesConfig): CompletionRouting['urls'] {
  return () => ({ ...config.destinations });
}

/** The stack's table names keys of the Slack secret. */
export function urlsFromSecret(config: RoutesConfig): CompletionRouting['urls'] {
  return (slack) =>
    Object.fromEntries(
      Object.entries(config.destinations).map(([name, key]) => [
        name,
        slack.kind === 'configured' ? slack.webhooks.destinations?.[key] : undefined,
      ]),
    );
}

export function routeCompletion(
  routing: CompletionRouting,
  certificates: readonly Certificate[],
  targets: readonly TargetResult[],
): RunRouting {
  return routeRun(routing.config, certificates, targets, routing.accounts);
}

/** No request could be made: the destination has no webhook URL. Broken, so its messages fall back. */
function notConfigured(destination: string): SlackWebhookBrokenError {
  return new SlackWebhookBrokenError(
    0,
    'not_configured',
    `(no webhook URL for destination ${destination})`,
    destination,
  );
}

/** The Slack secret keys a stack's table names: what the secret may hold besides the two webhooks. */
export function destinationKeys(config: RoutesConfig | undefined): string[] {
  return config === undefined ? [] : [...new Set(Object.values(config.destinations))];
}

/** Posts one alert to one destination's webhook; a destination without one is broken (its copy falls back). */
export function routedSender(
  urls: Record<string, string | undefined>,
  poster: SlackPosterFactory,
  ownerTagKey: string,
): SendRouted {
  return async (destination, notice, fallbackFrom) => {
    const url = urls[destination];
    if (url === undefined) throw notConfigured(destination);
    await poster(url, 'alerts').post(
      renderAlert(notice, { ownerTagKey, ...(fallbackFrom !== undefined ? { fallbackFrom } : {}) }),
    );
  };
}

export function alertRouting(
  run: RunRouting,
  urls: Record<string, string | undefined>,
  poster: SlackPosterFactory,
  ownerTagKey: string,
): AlertRouting {
  return {
    defaultDestination: run.defaultDestination,
    routesOf: (incident) => incidentRoutes(run, incident),
    send: routedSender(urls, poster, ownerTagKey),
  };
}

/** The digest of one team: its certificates, the targets they are in or its accounts, and their changes. */
export function teamDigest(digest: DigestInput, run: RunRouting, destination: string): DigestInput {
  const owned = (cert: AssessedCertificate) => run.byArn.get(cert.arn)?.destination === destination;
  const certificates = digest.certificates.filter(owned);
  const arns = new Set(certificates.map((cert) => cert.arn));
  const accounts = new Set(certificates.map((cert) => cert.accountId));
  for (const [accountId, route] of run.byAccount) if (route.destination === destination) accounts.add(accountId);
  return {
    ...digest,
    certificates,
    targets: digest.targets.filter((target) => accounts.has(target.accountId)),
    changes: digest.changes.filter((change) => arns.has(change.arn)),
  };
}

export function routingSummary(
  run: RunRouting,
  certificates: readonly Pick<Certificate, 'arn'>[],
  brokenDestinations: readonly string[],
): RoutingSummary {
  const counts = new Map(run.destinations.map((destination) => [destination, 0]));
  let unowned = 0;
  for (const cert of certificates) {
    const route = run.byArn.get(cert.arn);
    if (route === undefined) continue;
    counts.set(route.destination, (counts.get(route.destination) ?? 0) + 1);
    if (route.rule === 'default') unowned++;
  }
  return {
    byDestination: [...counts].map(([destination, count]) => ({ destination, certificates: count })),
    unowned,
    problems: run.problems,
    brokenDestinations: [...new Set(brokenDestinations)].sort(),
  };
}

export interface TeamDigestsResult {
  /** How each team's digest went, by destination. */
  outcomes: Record<string, PostOutcome | 'already-sent' | 'in-progress' | 'not-configured'>;
  /** Team destinations whose webhook is broken (named in the organization's digest). */
  broken: string[];
  failures: string[];
}

/**
 * One digest per destination other than the default, each posted at most once per run (its own digest marker
 * claim, so a retried completion does not post a team's digest twice). A broken team webhook is reported, not
 * retried: the organization's digest in the default destination names it and holds every certificate anyway.
 */
export async function postTeamDigests(
  deps: {
    poster: SlackPosterFactory;
    digestMarker?: Pick<DigestMarker, 'claim' | 'release' | 'markSent'>;
    clock: () => Date;
  },
  input: {
    runId: string;
    digest: DigestInput;
    run: RunRouting;
    urls: Record<string, string | undefined>;
    ownerTagKey: string;
  },
): Promise<TeamDigestsResult> {
  const result: TeamDigestsResult = { outcomes: {}, broken: [], failures: [] };
  for (const destination of input.run.destinations) {
    if (destination === input.run.defaultDestination) continue;
    const url = input.urls[destination];
    if (url === undefined) {
      result.outcomes[destination] = 'not-configured';
      result.broken.push(destination);
      continue;
    }
    const markerId = `${input.runId}@${destination}`;
    const claim = deps.digestMarker ? await deps.digestMarker.claim(markerId, deps.clock()) : undefined;
    if (claim?.outcome === 'sent') {
      result.outcomes[destination] = 'already-sent';
      continue;
    }
    if (claim?.outcome === 'held') {
      result.outcomes[destination] = 'in-progress';
      continue;
    }
    try {
      const message = renderDigest(teamDigest(input.digest, input.run, destination), {
        ownerTagKey: input.ownerTagKey,
        team: destination,
      });
      await deps.poster(url, 'digest').post(message);
      if (claim) await deps.digestMarker?.markSent(markerId, claim.claimId, deps.clock());
      result.outcomes[destination] = 'sent';
    } catch (error) {
      if (claim) await deps.digestMarker?.release(markerId, claim.claimId);
      const outcome = postOutcome(error);
      result.outcomes[destination] = outcome;
      if (outcome === 'broken') result.broken.push(destination);
      result.failures.push(`${destination}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return result;
}
