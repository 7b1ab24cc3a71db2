/** Lists of one-line items packed into as few section blocks as Slack's limits allow. */
import { type SectionBlock, SLACK_LIMITS, section } from './blocks';
import { cutSlackText, moreLine } from './text';

/** No single item line is longer than this, so a hostile value cannot crowd out the rest of a list. */
export const MAX_LINE_CHARS = 600;

export interface ListOptions {
  /** How many items exist in all (items beyond `lines` are counted in the "+N more" line). */
  total: number;
  /** At most this many characters of item lines; lines that do not fit join the "+N more". */
  budget: number;
  reportLocation?: string;
  /** Where the rest is when there is no report (our own mrkdwn). @default 'see the full report' */
  elsewhere?: string;
  /** Longest item line. @default MAX_LINE_CHARS */
  maxLineChars?: number;
}

/**
 * A titled list as section blocks: the title, then one line per item, then "+N more — full report" when items
 * were left out. Lines beyond the budget are left out rather than cut, so every line shown is whole.
 */
export function listBlocks(title: string, lines: readonly string[], options: ListOptions): SectionBlock[] {
  const shown: string[] = [];
  let used = 0;
  for (const raw of lines) {
    const line = cutSlackText(raw, options.maxLineChars ?? MAX_LINE_CHARS);
    if (used + line.length + 1 > options.budget) break;
    shown.push(line);
    used += line.length + 1;
  }
  const more = options.total - shown.length;
  const all = more > 0 ? [...shown, moreLine(more, options.reportLocation, options.elsewhere)] : shown;
  const texts: string[] = [];
  let current = title;
  for (const line of all) {
    if (current.length + 1 + line.length > SLACK_LIMITS.sectionText) {
      texts.push(current);
      current = line;
    } else {
      current = `${current}\n${line}`;
    }
  }
  texts.push(current);
  return texts.map(section);
}
