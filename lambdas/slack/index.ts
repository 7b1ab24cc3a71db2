/** Slack delivery: posting rendered messages to incoming webhooks, with retries and typed failures. */
export {
  type DeliveryOptions,
  parseRetryAfter,
  postToWebhook,
  SlackDelivery,
  type SlackDeliveryOptions,
  type WebhookPostResult,
} from './delivery';
export { maskWebhookUrl, SlackDeliveryError, SlackWebhookBrokenError } from './errors';
