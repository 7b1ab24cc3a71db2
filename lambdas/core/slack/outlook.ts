/**
 * The digest's picture of the next 90 days, in what Block Kit can show without images: one row of block characters
 * in a code span, a bar per week with its count, and the few account-regions with the worst findings. The weeks and
 * the ranking are the report's own (core/outlook.ts), so the digest and the report's chart agree.
 */
import type { Severity } from '../model';
import {
  type AccountRegion,
  accountRegions,
  buildTimeline,
  isHotSpot,
  OUTLOOK_DAYS,
  type OutlookCertificate,
  type OutlookTarget,
  type Timeline,
} from '../outlook';
import { code, formatCount, isoDate, plural } from './text';

/** How many account-regions the digest names; the report's grid shows every one. */
export const WORST_PLACES_CAP = 5;

const LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** The same shapes as the report's grid, so a reader of both learns them once. */
const SEVERITY_MARK: Record<Severity, string> = { critical: '◆', high: '▲', medium: '●', low: '○', info: '·' };

/**
 * "▂2 █12 ▃3 ·0 …": each week a block as tall as its share of the busiest week (at least ▁ when it holds anything,
 * · when it holds nothing) followed by its count.
 */
export function timelineSparkline(timeline: Timeline): string {
  const max = Math.max(0, ...timeline.weeks.map((week) => week.total));
  return timeline.weeks
    .map((week) => {
      if (week.total === 0) return '·0';
      const level = Math.max(1, Math.ceil((week.total / max) * LEVELS.length));
      return `${LEVELS[level - 1]}${week.total}`;
    })
    .join(' ');
}

export interface OutlookSectionInput {
  generatedAt: string;
  certificates: readonly OutlookCertificate[];
  targets: readonly OutlookTarget[];
  /** "Prod (123456789012) · eu-west-1", as the rest of the digest writes a place. */
  where: (cell: AccountRegion) => string;
}

/** The section's mrkdwn, or undefined when there is nothing to picture (no certificate at all). */
export function outlookText(input: OutlookSectionInput): string | undefined {
  if (input.certificates.length === 0) return undefined;
  const timeline = buildTimeline(input.certificates);
  const from = isoDate(input.generatedAt);
  const lines = [`📅 *Next ${OUTLOOK_DAYS} days*${from ? ` _(expiries per week from ${from})_` : ''}`];
  if (timeline.total === 0) {
    lines.push(`Nothing expires within ${OUTLOOK_DAYS} days.`);
  } else {
    let inUseImported = 0;
    let withProblem = 0;
    for (const week of timeline.weeks) {
      inUseImported += week.byKind['in-use-imported'];
      withProblem += week.withProblem;
    }
    const facts = [`${formatCount(timeline.total)} expiring`];
    if (inUseImported > 0) facts.push(`${formatCount(inUseImported)} in use and imported (never renew by themselves)`);
    if (withProblem > 0) facts.push(`⚠ ${formatCount(withProblem)} with a renewal or validation problem`);
    lines.push(`\`${timelineSparkline(timeline)}\``, facts.join(' · '));
  }
  const places = accountRegions(input.certificates, input.targets).filter(isHotSpot);
  if (places.length > 0) {
    lines.push(`*Worst account-regions*`);
    for (const cell of places.slice(0, WORST_PLACES_CAP)) {
      const worst = cell.worst;
      if (worst === undefined) continue;
      lines.push(
        `${SEVERITY_MARK[worst.severity]} ${input.where(cell)} — ${worst.severity}: ${code(worst.code, 40)} on ${plural(worst.certificates, 'certificate')} · ${formatCount(cell.withFindings)} of ${formatCount(cell.certificates)} with findings`,
      );
    }
    if (places.length > WORST_PLACES_CAP) {
      lines.push(
        `_+${formatCount(places.length - WORST_PLACES_CAP)} more with medium or worse findings in the report_`,
      );
    }
  }
  return lines.join('\n');
}
