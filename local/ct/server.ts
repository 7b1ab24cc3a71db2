/**
 * A local Certificate Transparency search API on loopback (an OS-picked port), speaking Cert Spotter API v1's
 * `GET /v1/issuances` as its documentation describes it, not as the poller expects it:
 * - `domain` is required and must be a registered domain or under one (400 otherwise, with `{code, message}`);
 *   `include_subdomains` and `match_wildcards` widen the match; only unexpired issuances are listed;
 * - the answer is a JSON array in discovery order; `after=<id>` lists what was discovered after that issuance, and
 *   an empty array ends the paging; pages hold at most `pageSize` issuances;
 * - `expand=dns_names|issuer|cert` adds those fields, each only when asked; `cert` is the final certificate once
 *   logged, else the precertificate, under one issuance id (the API coalesces the pair);
 * - a query allowance per window (per API key, or per client without one) answered past it with 429, a
 *   `Retry-After` in seconds and `{code: "rate_limited"}`; an unknown API key gets 401.
 * Knowingly different (local/sim/README.md): `splitPair` logs a precertificate and its certificate as two issuance
 * objects (same TBS hash), a case the real API is not documented to produce, so the poller's defence is tested.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getDomain } from 'tldts';
import { type CertPair, certPair } from './certs';

export interface LocalIssuanceSpec {
  names: string[];
  serial: string;
  issuerDn: string;
  notBefore: string;
  notAfter: string;
  /** Only the precertificate is logged so far. @default false */
  precertOnly?: boolean;
  /** Log the precertificate and the certificate as two issuance objects. @default false */
  splitPair?: boolean;
}

interface Logged {
  id: string;
  seq: number;
  spec: LocalIssuanceSpec;
  pair: CertPair;
  type: 'cert' | 'precert';
}

export interface LocalCtApiOptions {
  /** @default 100 */
  pageSize?: number;
  /** Queries allowed per window and client. @default Infinity */
  allowance?: number;
  /** @default 3_600_000 (an hour) */
  windowMs?: number;
  /** API keys accepted; absent: any key or none. */
  apiKeys?: readonly string[];
  /** @default Date.now */
  now?: () => number;
}

export interface LocalCtApi {
  url: string;
  /** Logs an issuance (the pair, or the precertificate alone); returns its issuance id(s). */
  log(spec: LocalIssuanceSpec): Promise<string[]>;
  /** The final certificate of a precertificate-only issuance is logged: the same issuance now shows it. */
  logFinal(id: string): void;
  /** Queries answered, and those refused for the allowance. */
  readonly stats: { queries: number; rateLimited: number };
  /** Every logged issuance id, in discovery order. */
  ids(): string[];
  close(): Promise<void>;
}

function nameMatches(name: string, domain: string, subdomains: boolean, wildcards: boolean): boolean {
  const n = name.toLowerCase();
  if (n === domain) return true;
  if (subdomains && n.endsWith(`.${domain}`)) return true;
  if (wildcards && n.startsWith('*.')) {
    const parent = n.slice(2);
    if (domain.endsWith(`.${parent}`) && !domain.slice(0, -parent.length - 1).includes('.')) return true;
    if (subdomains && (parent === domain || parent.endsWith(`.${domain}`))) return true;
  }
  return false;
}

export async function startLocalCtApi(options: LocalCtApiOptions = {}): Promise<LocalCtApi> {
  const pageSize = options.pageSize ?? 100;
  const windowMs = options.windowMs ?? 3_600_000;
  const allowance = options.allowance ?? Number.POSITIVE_INFINITY;
  const now = options.now ?? Date.now;
  const logged: Logged[] = [];
  const windows = new Map<string, { start: number; used: number }>();
  const stats = { queries: 0, rateLimited: 0 };
  let seq = 0;

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== '/v1/issuances') {
      json(res, 404, { code: 'not_found', message: 'Not found' });
      return;
    }
    const auth = req.headers.authorization;
    const key = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    if (key !== undefined && options.apiKeys !== undefined && !options.apiKeys.includes(key)) {
      json(res, 401, { code: 'invalid_api_key', message: 'The API key is not valid' });
      return;
    }
    const client = key ?? req.socket.remoteAddress ?? 'anonymous';
    const t = now();
    const window = windows.get(client);
    const current = window === undefined || t - window.start >= windowMs ? { start: t, used: 0 } : window;
    windows.set(client, current);
    if (current.used >= allowance) {
      stats.rateLimited++;
      const seconds = Math.max(1, Math.ceil((current.start + windowMs - t) / 1000));
      json(
        res,
        429,
        { code: 'rate_limited', message: 'You have exceeded the rate limit' },
        { 'retry-after': String(seconds) },
      );
      return;
    }
    current.used++;
    stats.queries++;
    const domain = (url.searchParams.get('domain') ?? '').toLowerCase().replace(/\.$/, '');
    if (domain === '' || getDomain(domain, { allowPrivateDomains: false }) === null) {
      json(res, 400, { code: 'invalid_domain', message: 'domain must be a registered domain or subordinate to one' });
      return;
    }
    const subdomains = url.searchParams.get('include_subdomains') === 'true';
    const wildcards = url.searchParams.get('match_wildcards') === 'true';
    const expand = new Set(url.searchParams.getAll('expand'));
    const after = url.searchParams.get('after');
    let from = 0;
    if (after !== null && after !== '') {
      const at = logged.find((entry) => entry.id === after);
      if (at === undefined) {
        json(res, 400, { code: 'invalid_after', message: 'after is not a known issuance id' });
        return;
      }
      from = at.seq;
    }
    const page = logged
      .filter((entry) => entry.seq > from)
      .filter((entry) => Date.parse(entry.spec.notAfter) > t)
      .filter((entry) => entry.spec.names.some((name) => nameMatches(name, domain, subdomains, wildcards)))
      .slice(0, pageSize)
      .map((entry) => issuanceObject(entry, expand));
    json(res, 200, page);
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    async log(spec) {
      const pair = await certPair({
        names: spec.names,
        serial: spec.serial,
        issuerDn: spec.issuerDn,
        notBefore: new Date(spec.notBefore),
        notAfter: new Date(spec.notAfter),
      });
      const add = (type: 'cert' | 'precert'): string => {
        seq++;
        const id = String(1_000_000 + seq);
        logged.push({ id, seq, spec, pair, type });
        return id;
      };
      if (spec.splitPair) return [add('precert'), add('cert')];
      return [add(spec.precertOnly ? 'precert' : 'cert')];
    },
    logFinal(id) {
      const entry = logged.find((e) => e.id === id);
      if (entry === undefined) throw new Error(`no issuance ${id} in the local CT API`);
      entry.type = 'cert';
    },
    ids: () => logged.map((entry) => entry.id),
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function issuanceObject(entry: Logged, expand: ReadonlySet<string>): Record<string, unknown> {
  const der = entry.type === 'cert' ? entry.pair.certDer : entry.pair.precertDer;
  const sha256 = createHash('sha256').update(der).digest('hex');
  const object: Record<string, unknown> = {
    id: entry.id,
    tbs_sha256: entry.pair.tbsSha256,
    cert_sha256: sha256,
    pubkey_sha256: createHash('sha256').update(entry.spec.issuerDn).digest('hex'),
    not_before: entry.spec.notBefore,
    not_after: entry.spec.notAfter,
    revoked: false,
  };
  if (expand.has('dns_names')) object.dns_names = [...entry.spec.names];
  if (expand.has('issuer')) {
    const organization = /O=([^,]+)/.exec(entry.spec.issuerDn)?.[1] ?? entry.spec.issuerDn;
    object.issuer = { friendly_name: organization, name: entry.spec.issuerDn };
  }
  if (expand.has('cert')) object.cert = { type: entry.type, sha256, data: der.toString('base64') };
  return object;
}
