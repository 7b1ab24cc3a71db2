/**
 * The subset of Slack Block Kit the monitor posts, Slack's limits on it, and the last line of defence that keeps
 * any message inside those limits. Typed here (not imported from a Slack package) so the core stays library-free.
 */
import { cutPlainText, cutSlackText } from './text';

export interface PlainTextObject {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface MrkdwnObject {
  type: 'mrkdwn';
  text: string;
}

export interface HeaderBlock {
  type: 'header';
  text: PlainTextObject;
}

export interface SectionBlock {
  type: 'section';
  text: MrkdwnObject;
}

export interface ContextBlock {
  type: 'context';
  elements: MrkdwnObject[];
}

export interface DividerBlock {
  type: 'divider';
}

export type Block = HeaderBlock | SectionBlock | ContextBlock | DividerBlock;

/** What is posted to an incoming webhook: blocks for the channel, `text` for notifications and old clients. */
export interface SlackMessage {
  /** Plain-text fallback (mrkdwn, escaped): shown in push notifications and where blocks cannot render. */
  text: string;
  blocks: Block[];
}

/**
 * Slack's documented limits, and the totals this product keeps to so a message is also readable on a phone.
 * `totalText` is our own budget (Slack documents none below 40,000 characters for `text`); a digest that would
 * need more points to the full report instead.
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3_000,
  headerText: 150,
  contextElements: 10,
  contextElementText: 2_000,
  fallbackText: 3_000,
  totalText: 24_000,
} as const;

/** The length of every text a message carries (fallback included); what `totalText` bounds. */
export function messageTextLength(message: SlackMessage): number {
  let total = message.text.length;
  for (const block of message.blocks) total += blockTextLength(block);
  return total;
}

function blockTextLength(block: Block): number {
  switch (block.type) {
    case 'header':
    case 'section':
      return block.text.text.length;
    case 'context':
      return block.elements.reduce((sum, element) => sum + element.text.length, 0);
    case 'divider':
      return 0;
  }
}

export function header(text: string): HeaderBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: cutPlainText(text, SLACK_LIMITS.headerText), emoji: true },
  };
}

/** A section of mrkdwn that is already escaped; cut safely when over the limit. */
export function section(mrkdwn: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: cutSlackText(mrkdwn, SLACK_LIMITS.sectionText) } };
}

export function context(...mrkdwn: string[]): ContextBlock {
  return {
    type: 'context',
    elements: mrkdwn
      .slice(0, SLACK_LIMITS.contextElements)
      .map((text) => ({ type: 'mrkdwn', text: cutSlackText(text, SLACK_LIMITS.contextElementText) })),
  };
}

export const divider: DividerBlock = { type: 'divider' };

const SHORTENED_NOTE = '_Message shortened to fit Slack; the full report has everything._';

/**
 * Returns the message cut to every limit: each text to its maximum, at most 50 blocks and `totalText` characters in
 * all. Blocks that do not fit are dropped from the end (renderers put the most important first) and a note says so.
 * Renderers already stay inside the limits; this guards against inputs nobody foresaw.
 */
export function fitMessage(message: SlackMessage): SlackMessage {
  const text = cutSlackText(message.text, SLACK_LIMITS.fallbackText);
  const blocks = message.blocks.map(fitBlock).filter((block) => block.type !== 'section' || block.text.text !== '');
  const note = context(SHORTENED_NOTE);
  const noteLength = blockTextLength(note);
  let budget = SLACK_LIMITS.totalText - text.length;
  const kept: Block[] = [];
  let dropped = false;
  for (const [index, block] of blocks.entries()) {
    const length = blockTextLength(block);
    const last = index === blocks.length - 1;
    const room = last ? budget : budget - noteLength;
    if (kept.length >= SLACK_LIMITS.blocks - (last ? 0 : 1) || length > room) {
      dropped = true;
      break;
    }
    kept.push(block);
    budget -= length;
  }
  if (dropped) {
    while (kept.length > 0 && kept[kept.length - 1]?.type === 'divider') kept.pop();
    kept.push(note);
  }
  return { text, blocks: kept };
}

function fitBlock(block: Block): Block {
  switch (block.type) {
    case 'header':
      return header(block.text.text);
    case 'section':
      return section(block.text.text);
    case 'context':
      return context(...block.elements.map((element) => element.text));
    case 'divider':
      return block;
  }
}
