/** Checks shared by the Slack rendering tests: every Slack limit, and nothing that could ping or break markup. */
import { expect } from 'vitest';
import { SLACK_LIMITS, type SlackMessage } from '../../../../lambdas/core/slack';

export function allTexts(message: SlackMessage): string[] {
  const texts = [message.text];
  for (const block of message.blocks) {
    if (block.type === 'header' || block.type === 'section') texts.push(block.text.text);
    if (block.type === 'context') texts.push(...block.elements.map((element) => element.text));
  }
  return texts;
}

export function expectWithinSlackLimits(message: SlackMessage): void {
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  let total = message.text.length;
  for (const block of message.blocks) {
    if (block.type === 'header') {
      expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
      total += block.text.text.length;
    }
    if (block.type === 'section') {
      expect(block.text.text.length).toBeGreaterThan(0);
      expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      total += block.text.text.length;
    }
    if (block.type === 'context') {
      expect(block.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
      for (const element of block.elements) {
        expect(element.text.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElementText);
        total += element.text.length;
      }
    }
  }
  expect(total).toBeLessThanOrEqual(SLACK_LIMITS.totalText);
}

/**
 * Every `<` in mrkdwn opens one of our console or report links and every `&` starts a whole entity, so no text
 * from AWS can mention, ping or break the markup.
 */
export function expectSafeMarkup(message: SlackMessage): void {
  for (const text of allTexts(message)) {
    expect(text).not.toMatch(/<(?!https:\/\/[^\s<>|]+\|[^<>]*>)/);
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
    expect(text).not.toContain('<!');
    expect(text).not.toContain('<@');
  }
}
