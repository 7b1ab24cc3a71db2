/**
 * The owner-routing lines of Slack messages: why a message reached this channel ("routed by tag team=web",
 * "no owner"), a message the default channel receives for a team whose webhook is broken, and the routing section
 * of the default destination's digest (who owns what, values that named no destination, broken destinations).
 */
import type { Route, RoutingProblem } from '../routing/resolve';
import { describeRoute } from '../routing/resolve';
import { type Block, context, section } from './blocks';
import { inline, plural, truncateList } from './text';

/** Routing problems the digest lists before "+N more": the full list is in the report. */
export const ROUTING_PROBLEMS_CAP = 8;

/** "routed by tag team=web" / "no owner", escaped: a tag value came from a member account. */
export function routeLine(route: Pick<Route, 'rule' | 'value'>): string {
  return `📬 ${inline(describeRoute(route), 200)}`;
}

/** Said first in a message the default channel receives because its team's webhook is broken. */
export function fallbackBlock(brokenDestination: string): Block {
  return section(
    `⚠️ Meant for *${inline(brokenDestination, 64)}*, whose Slack webhook is broken (404/410): posted here instead. Replace that destination's webhook URL in the Slack secret.`,
  );
}

export interface RoutingSummary {
  /** Certificates each destination owns, the default's including those nobody owns. */
  byDestination: ReadonlyArray<{ destination: string; certificates: number }>;
  /** Certificates routed to the default because no rule chose another destination. */
  unowned: number;
  problems: readonly RoutingProblem[];
  /** Destinations whose webhook answered as broken this run (their messages came here). */
  brokenDestinations: readonly string[];
}

/** The default destination's routing section: who owns what, what went wrong, and what nobody owns. */
export function routingBlocks(summary: RoutingSummary): Block[] {
  const blocks: Block[] = [];
  const owners = summary.byDestination
    .map(({ destination, certificates }) => `${inline(destination, 64)} ${certificates}`)
    .join(' · ');
  blocks.push(
    section(
      `*📬 Routing*\n${owners}\n${summary.unowned === 0 ? 'Every certificate has an owner.' : `*${plural(summary.unowned, 'certificate')}* with no owner came here.`}`,
    ),
  );
  if (summary.brokenDestinations.length > 0) {
    blocks.push(
      section(
        `⚠️ *Broken webhook:* ${summary.brokenDestinations.map((d) => `*${inline(d, 64)}*`).join(', ')} — their alerts came here instead. Replace the webhook URL in the Slack secret.`,
      ),
    );
  }
  if (summary.problems.length > 0) {
    const { shown, more } = truncateList(summary.problems, ROUTING_PROBLEMS_CAP);
    const lines = shown.map(
      (p) => `• ${inline(p.rule, 80)} value \`${inline(p.value, 64)}\`: ${inline(p.reason, 160)}`,
    );
    if (more > 0) lines.push(`+${more} more in the report's routingProblems`);
    blocks.push(section(`*Tag values that named no destination* (fell through to the next rule)\n${lines.join('\n')}`));
  }
  return blocks;
}

/** The context line under a team digest's header. */
export function teamDigestContext(destination: string, certificates: number): Block {
  return context(`Team digest for *${inline(destination, 64)}*: ${plural(certificates, 'certificate')} routed here`);
}
