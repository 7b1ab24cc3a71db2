/** A Slack message as readable terminal text (the demo and the CLI print it). */
import type { Block, SlackMessage } from './blocks';
import { unescapeSlack } from './text';

/** Code spans and `<...>` links are tokens; everything between them is ordinary mrkdwn. */
const TOKEN = /`([^`\n]*)`|<([^<>\n]*)>/g;

/**
 * mrkdwn to plain text: links become "label (url)", code spans lose their backticks, bold and italic markers go,
 * entities are decoded. Formatting markers are removed only outside code spans and link labels, so a wildcard
 * domain like `*.example.com` survives.
 */
export function mrkdwnToPlain(mrkdwn: string): string {
  let out = '';
  let last = 0;
  for (const match of mrkdwn.matchAll(TOKEN)) {
    out += plainPart(mrkdwn.slice(last, match.index));
    const [, codeSpan, link] = match;
    if (codeSpan !== undefined) out += unescapeSlack(codeSpan);
    else if (link !== undefined) out += linkText(link);
    last = match.index + match[0].length;
  }
  return out + plainPart(mrkdwn.slice(last));
}

function plainPart(text: string): string {
  return unescapeSlack(
    text.replace(/(^|[\s(])\*([^*\n]+)\*/g, '$1$2').replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s.,:;)])/g, '$1$2'),
  );
}

function linkText(link: string): string {
  const bar = link.indexOf('|');
  if (bar === -1) return unescapeSlack(link);
  // Slack reads `&amp;` in a link's address as `&`; a terminal reader must get the address a browser opens.
  const url = unescapeSlack(link.slice(0, bar));
  const label = unescapeSlack(link.slice(bar + 1));
  return label === url ? url : `${label} (${url})`;
}

function blockText(block: Block): string {
  switch (block.type) {
    case 'header':
      return `${block.text.text}\n${'='.repeat(Math.min(60, [...block.text.text].length))}`;
    case 'section':
      return mrkdwnToPlain(block.text.text);
    case 'context':
      return block.elements.map((element) => mrkdwnToPlain(element.text)).join(' · ');
    case 'divider':
      return '─'.repeat(40);
  }
}

export function renderPlainText(message: SlackMessage): string {
  if (message.blocks.length === 0) return mrkdwnToPlain(message.text);
  return message.blocks.map(blockText).join('\n');
}
