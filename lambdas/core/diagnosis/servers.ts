/**
 * The DNS servers a diagnosis asks, as `--dns-server` and the stack's `dnsDiagnosis.servers` give them:
 * `HOST:PORT[,HOST:PORT]`. Read in one place so the CLI, the Lambda's configuration and the synth-time check of the
 * stack refuse the same mistakes with the same words.
 */
import { isIP } from 'node:net';

export class DnsServerListError extends Error {
  override readonly name = 'DnsServerListError';
}

/**
 * Reads `HOST:PORT[,HOST:PORT]`. Node's resolver takes IP addresses only (it cannot resolve the resolver's own
 * name), so a host name is refused with a message saying so.
 */
export function parseDnsServers(text: string): string[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) {
    throw new DnsServerListError('no DNS server given: expected HOST:PORT[,HOST:PORT], e.g. 127.0.0.1:5353');
  }
  return items.map((item) => {
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(item);
    const [host, port] = bracketed
      ? [bracketed[1] ?? '', bracketed[2]]
      : isIP(item) === 6
        ? [item, undefined]
        : ((): [string, string | undefined] => {
            const at = item.lastIndexOf(':');
            return at < 0 ? [item, undefined] : [item.slice(0, at), item.slice(at + 1)];
          })();
    if (isIP(host) === 0) {
      throw new DnsServerListError(
        `DNS server "${item}": "${host}" is not an IP address (the resolver's own address cannot be looked up); give e.g. 127.0.0.1:5353 or [::1]:5353`,
      );
    }
    if (port !== undefined && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535)) {
      throw new DnsServerListError(`DNS server "${item}": port "${port}" is not a number from 1 to 65535`);
    }
    const hostPart = isIP(host) === 6 ? `[${host}]` : host;
    return `${hostPart}:${port ?? '53'}`;
  });
}
