/**
 * Which webhook addresses the monitor posts to. The digest carries the organization's certificate inventory, so it
 * travels over TLS only: `https:` everywhere, and `http:` only to a loopback host, where nothing leaves the machine
 * (the local Slack receiver behind `npm run demo` and the tests). One rule for the secret, the CLI and the delivery.
 */

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** What a refused address is told (never the address itself: it is a credential). */
export const WEBHOOK_URL_RULE = 'must be an https:// Slack incoming webhook address';

export function isAllowedWebhookUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'https:') return true;
  return parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname);
}
