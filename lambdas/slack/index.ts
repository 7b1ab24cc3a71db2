/** Slack delivery: posting rendered messages to incoming webhooks, with retries and typed failures. */
export {
  type DeliveryOptions,
  type DeliveryResult,
  parseRetryAfter,
  postToWebhook,
  SlackDelivery,
  type SlackDeliveryOptions,
} from './delivery';
export { maskWebhookUrl, SlackDeliveryError, SlackWebhookBrokenError } from './errors';
