/**
 * The diagnosis' DNS questions asked through Node's resolver (c-ares): the system's name servers by default (from a
 * Lambda outside any VPC, public DNS, the view ACM validates against), or the servers given with `--dns-server` or
 * the stack's resolver setting. Each answer is mapped to the port's NXDOMAIN / NODATA / error kinds, so a name
 * server that fails is never read as a record that is missing.
 */
import { Resolver } from 'node:dns/promises';
import type { CaaRecord, DnsAnswer, DnsResolver } from '../core/diagnosis';

import { DEFAULT_DNS_TIMEOUT_MS } from '../core/settings';

export { DnsServerListError, parseDnsServers } from '../core/diagnosis/servers';

const DEFAULT_TRIES = 2;

export interface NodeDnsResolverOptions {
  /** `host:port` (or `[v6]:port`, or an address alone for port 53); absent: the system's name servers. */
  servers?: readonly string[];
  /** Per try. @default DEFAULT_DNS_TIMEOUT_MS */
  timeoutMs?: number;
  /** @default 2 */
  tries?: number;
}

type ErrorKind = Extract<DnsAnswer<unknown>, { kind: 'error' }>['error'];

/** c-ares error codes as the port's answers; anything unexpected is an error, never an absence. */
function failure<T>(error: unknown): DnsAnswer<T> {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'ENOTFOUND') return { kind: 'nxdomain' };
  if (code === 'ENODATA') return { kind: 'nodata' };
  const kinds: Record<string, ErrorKind> = {
    ESERVFAIL: 'SERVFAIL',
    ETIMEOUT: 'TIMEOUT',
    EREFUSED: 'REFUSED',
    ECONNREFUSED: 'REFUSED',
  };
  return {
    kind: 'error',
    error: kinds[code] ?? 'OTHER',
    message: error instanceof Error ? error.message : String(error),
  };
}

async function ask<T>(query: () => Promise<T[]>): Promise<DnsAnswer<T>> {
  try {
    const records = await query();
    return records.length > 0 ? { kind: 'answer', records } : { kind: 'nodata' };
  } catch (error) {
    return failure<T>(error);
  }
}

/** Node returns a CAA record as `{ critical, <tag>: value }`. */
function caaRecord(raw: Record<string, unknown>): CaaRecord {
  const critical = typeof raw.critical === 'number' ? raw.critical : 0;
  const [tag = '', value = ''] = Object.entries(raw).find(([key]) => key !== 'critical') ?? [];
  return { critical, tag, value: String(value) };
}

export function nodeDnsResolver(opts: NodeDnsResolverOptions = {}): DnsResolver {
  const resolver = new Resolver({
    timeout: opts.timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS,
    tries: opts.tries ?? DEFAULT_TRIES,
  });
  if (opts.servers !== undefined && opts.servers.length > 0) resolver.setServers([...opts.servers]);
  return {
    cname: (name) => ask(() => resolver.resolveCname(name)).then(withoutTrailingDot),
    caa: (name) =>
      ask(() => resolver.resolveCaa(name)).then((answer) =>
        answer.kind === 'answer'
          ? { kind: 'answer', records: answer.records.map((r) => caaRecord(r as unknown as Record<string, unknown>)) }
          : answer,
      ),
    addresses: async (name) => {
      const [v4, v6] = await Promise.all([ask(() => resolver.resolve4(name)), ask(() => resolver.resolve6(name))]);
      const records = [v4, v6].flatMap((answer) => (answer.kind === 'answer' ? answer.records : []));
      if (records.length > 0) return { kind: 'answer', records };
      if (v4.kind === 'error') return v4;
      if (v6.kind === 'error') return v6;
      return v4.kind === 'nxdomain' || v6.kind === 'nxdomain' ? { kind: 'nxdomain' } : { kind: 'nodata' };
    },
  };
}

function withoutTrailingDot(answer: DnsAnswer<string>): DnsAnswer<string> {
  return answer.kind === 'answer'
    ? { kind: 'answer', records: answer.records.map((r) => r.replace(/\.$/, '')) }
    : answer;
}
