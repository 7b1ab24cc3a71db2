/** Slack message content: Block Kit rendering of digests, alerts and heartbeats, pure and library-free. */
export { ALERT_LIST_CAPS, type AlertOptions, renderAlert } from './alert';
export {
  type Block,
  type ContextBlock,
  type DividerBlock,
  fitMessage,
  type HeaderBlock,
  type MrkdwnObject,
  messageTextLength,
  type PlainTextObject,
  type SectionBlock,
  SLACK_LIMITS,
  type SlackMessage,
} from './blocks';
export { DIGEST_LIST_CAPS, type DigestOptions, IMPORTED_HORIZON_DAYS, renderDigest } from './digest';
export { renderHeartbeat } from './heartbeat';
export { listBlocks, MAX_LINE_CHARS } from './list';
export { timelineSparkline, WORST_PLACES_CAP } from './outlook';
export { mrkdwnToPlain, renderPlainText } from './plain-text';
export { fallbackBlock, ROUTING_PROBLEMS_CAP, type RoutingSummary, routeLine, routingBlocks } from './routing';
export {
  consoleUrl,
  cutPlainText,
  cutSlackText,
  escapeSlack,
  inline,
  moreLine,
  truncateList,
  unescapeSlack,
} from './text';
