/**
 * The user's own endpoints (`--endpoints FILE`, the stack's `probe.endpoints`): certificates outside ACM (on EC2,
 * on premises, at another provider) that only a probe can watch. One `host[:port]` a line, `#` starts a comment,
 * `[v6]:port` for IPv6. Read in one place so the CLI and the stack refuse the same mistakes with the same words.
 */
import { type Endpoint, HTTPS_PORT } from './model';

export class EndpointListError extends Error {
  override readonly name = 'EndpointListError';
}

/** An IPv4 dotted quad or an IPv6 address (core stays free of node: modules; the probe's socket is the real judge). */
export function isIpAddress(host: string): boolean {
  const v4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(host);
  return v4 || (host.includes(':') && /^[0-9a-f:.]+$/i.test(host));
}

const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/** One `host[:port]` as an endpoint; throws EndpointListError saying what is wrong and what is expected. */
export function parseEndpoint(text: string, where = 'endpoint'): Endpoint {
  const item = text.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(item)) {
    throw new EndpointListError(
      `${where}: "${item}" is a URL; give the host alone, as host[:port] (e.g. ${item.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '')})`,
    );
  }
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(item);
  let host: string;
  let port: string | undefined;
  if (bracketed) {
    host = bracketed[1] ?? '';
    port = bracketed[2];
  } else if (item.split(':').length > 2 && isIpAddress(item)) {
    host = item;
  } else {
    const at = item.lastIndexOf(':');
    [host, port] = at < 0 ? [item, undefined] : [item.slice(0, at), item.slice(at + 1)];
  }
  const portNumber = port === undefined ? HTTPS_PORT : Number(port);
  if (
    !Number.isInteger(portNumber) ||
    portNumber < 1 ||
    portNumber > 65_535 ||
    (port !== undefined && !/^\d+$/.test(port))
  ) {
    throw new EndpointListError(
      `${where}: "${item}" has no valid port (expected host[:port] with a port from 1 to 65535, e.g. example.com:8443)`,
    );
  }
  if (!isIpAddress(host) && !HOST_NAME.test(host)) {
    throw new EndpointListError(
      `${where}: "${host}" is not a host name or IP address (expected host[:port], e.g. example.com or [2001:db8::1]:443)`,
    );
  }
  const name = host.toLowerCase().replace(/\.$/, '');
  return { host: name, port: portNumber, sni: name, source: 'file', expectedSerials: [] };
}

/** Every endpoint of the file's text, once each; the error names the line. */
export function parseEndpointsFile(text: string, fileName = 'endpoints file'): Endpoint[] {
  const endpoints: Endpoint[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((line, index) => {
    const content = line.replace(/#.*$/, '').trim();
    if (content === '') return;
    if (/\s/.test(content)) {
      throw new EndpointListError(
        `${fileName} line ${index + 1}: "${content}" holds more than one item (one host[:port] a line)`,
      );
    }
    const endpoint = parseEndpoint(content, `${fileName} line ${index + 1}`);
    const key = `${endpoint.host}:${endpoint.port}`;
    if (seen.has(key)) return;
    seen.add(key);
    endpoints.push(endpoint);
  });
  return endpoints;
}
