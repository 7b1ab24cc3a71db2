/**
 * The Certificate Transparency search API client (Cert Spotter API v1, `GET /v1/issuances`), injectable like the
 * DNS resolver: the poller gets one built on `fetch` with the configured base URL, tests point it at the local CT
 * API. What the API documents and this client relies on:
 * - one page is a JSON array of issuance objects in discovery order; the next page is asked with `after=<last id>`,
 *   and an empty array means there is nothing newer (the id is the poller's cursor);
 * - `expand=dns_names`, `expand=issuer` and `expand=cert` add the names, the issuer and the (pre)certificate's DER
 *   (`cert.type` is `cert` once the final certificate is known, else `precert`);
 * - an API key goes in `Authorization: Bearer`; without one the free allowance is small (about 100 queries an hour);
 * - past the allowance the API answers 429 with `Retry-After` (seconds, or an HTTP date).
 * The serial and the issuer are read from the DER with Node's X509Certificate rather than trusted from elsewhere:
 * the serial is what is matched against ACM.
 */
import { X509Certificate } from 'node:crypto';
import { type CtIssuance, DEFAULT_CT_API_URL } from '../core/ct';
import { normalizeSerial } from '../core/probe/serial';

export class CtApiError extends Error {
  override readonly name: string = 'CtApiError';
  constructor(
    message: string,
    readonly domain: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The API asked us to wait longer than this poll may: the cursor stays, the next poll resumes. */
export class CtRateLimitedError extends CtApiError {
  override readonly name = 'CtRateLimitedError';
  constructor(
    domain: string,
    readonly retryAfterMs: number,
  ) {
    super(
      `the CT API is rate limiting us for ${Math.ceil(retryAfterMs / 1000)} s (429 Retry-After) while polling ${domain}: the poll resumes from its cursor next time; an API key raises the allowance`,
      domain,
      429,
    );
  }
}

export interface CtPage {
  issuances: CtIssuance[];
  /** The id of the page's last issuance: the next `after`; undefined for an empty page. */
  lastId: string | undefined;
}

export interface CtApi {
  /** One page of issuances for `domain` (its subdomains and matching wildcards included), after `after`. */
  issuances(domain: string, after: string | undefined): Promise<CtPage>;
  /** Requests sent so far (retries included): what the allowance counts. */
  readonly requests: number;
}

export interface HttpCtApiOptions {
  /** @default DEFAULT_CT_API_URL */
  baseUrl?: string;
  apiKey?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** The longest Retry-After this client waits out; longer ones throw CtRateLimitedError. @default 30_000 */
  maxWaitMs?: number;
  /** Waits on 429/503 before giving up. @default 3 */
  maxRetries?: number;
  /** Time between two requests, so a poll of many domains spreads over the allowance. @default 0 */
  minIntervalMs?: number;
  /** Per request. @default 20_000 */
  timeoutMs?: number;
}

/** Retry-After in milliseconds: seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

interface RawIssuance {
  id?: unknown;
  tbs_sha256?: unknown;
  dns_names?: unknown;
  not_before?: unknown;
  not_after?: unknown;
  issuer?: { name?: unknown; friendly_name?: unknown } | null;
  cert?: { type?: unknown; sha256?: unknown; data?: unknown } | null;
}

function text(value: unknown, field: string, domain: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new CtApiError(
      `the CT API's issuance for ${domain} has no ${field} (was expand=${field.split('.')[0]} sent?)`,
      domain,
    );
  }
  return value;
}

/** One issuance object as a CtIssuance, its serial and issuer read from the DER. */
export function readIssuance(raw: RawIssuance, domain: string): CtIssuance {
  const id = text(raw.id, 'id', domain);
  const der = Buffer.from(text(raw.cert?.data, 'cert.data', domain), 'base64');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch (error) {
    throw new CtApiError(
      `the CT API's issuance ${id} for ${domain} carries no readable certificate (${(error as Error).message})`,
      domain,
    );
  }
  const dnsNames = Array.isArray(raw.dns_names) ? raw.dns_names.filter((n): n is string => typeof n === 'string') : [];
  const certType = raw.cert?.type === 'cert' ? 'cert' : 'precert';
  return {
    id,
    tbsSha256:
      typeof raw.tbs_sha256 === 'string'
        ? raw.tbs_sha256.toLowerCase()
        : x509.fingerprint256.replace(/:/g, '').toLowerCase(),
    dnsNames,
    issuer: x509.issuer.split('\n').join(', '),
    notBefore: new Date(typeof raw.not_before === 'string' ? raw.not_before : x509.validFrom).toISOString(),
    notAfter: new Date(typeof raw.not_after === 'string' ? raw.not_after : x509.validTo).toISOString(),
    serial: normalizeSerial(x509.serialNumber),
    certSha256: (typeof raw.cert?.sha256 === 'string'
      ? raw.cert.sha256
      : x509.fingerprint256.replace(/:/g, '')
    ).toLowerCase(),
    certType,
  };
}

export class HttpCtApi implements CtApi {
  private sent = 0;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: HttpCtApiOptions = {}) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_CT_API_URL).replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  get requests(): number {
    return this.sent;
  }

  url(domain: string, after: string | undefined): string {
    const query = new URLSearchParams({ domain, include_subdomains: 'true', match_wildcards: 'true' });
    for (const field of ['dns_names', 'issuer', 'cert']) query.append('expand', field);
    if (after !== undefined) query.set('after', after);
    return `${this.baseUrl}/v1/issuances?${query.toString()}`;
  }

  async issuances(domain: string, after: string | undefined): Promise<CtPage> {
    const maxRetries = this.options.maxRetries ?? 3;
    const maxWaitMs = this.options.maxWaitMs ?? 30_000;
    for (let attempt = 0; ; attempt++) {
      const response = await this.send(domain, after);
      if (response.status === 429 || response.status === 503) {
        const wait = retryAfterMs(response.headers.get('retry-after'), this.now()) ?? 2 ** attempt * 1000;
        await response.body?.cancel();
        if (wait > maxWaitMs || attempt >= maxRetries) throw new CtRateLimitedError(domain, wait);
        await this.sleep(wait);
        continue;
      }
      const body = await response.text();
      if (!response.ok) throw this.failure(domain, response.status, body);
      let data: unknown;
      try {
        data = JSON.parse(body);
      } catch {
        throw new CtApiError(
          `the CT API answered ${domain}'s poll with something that is not JSON`,
          domain,
          response.status,
        );
      }
      if (!Array.isArray(data)) {
        throw new CtApiError(
          `the CT API answered ${domain}'s poll with ${typeof data}, not an array of issuances`,
          domain,
        );
      }
      const issuances = (data as RawIssuance[]).map((raw) => readIssuance(raw, domain));
      return { issuances, lastId: issuances.at(-1)?.id };
    }
  }

  private async send(domain: string, after: string | undefined): Promise<Response> {
    const spacing = this.options.minIntervalMs ?? 0;
    const wait = this.lastSentAt + spacing - this.now();
    if (wait > 0) await this.sleep(wait);
    this.lastSentAt = this.now();
    this.sent++;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    try {
      return await this.fetch(this.url(domain, after), {
        headers,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 20_000),
      });
    } catch (error) {
      throw new CtApiError(`the CT API at ${this.baseUrl} cannot be reached (${(error as Error).message})`, domain);
    }
  }

  private failure(domain: string, status: number, body: string): CtApiError {
    let code: string | undefined;
    let message = body.slice(0, 200);
    try {
      const parsed = JSON.parse(body) as { code?: string; message?: string };
      code = parsed.code;
      message = parsed.message ?? message;
    } catch {
      // Not the API's JSON error: the text as it came.
    }
    const hint =
      status === 401 || status === 403
        ? ' (check the CT API key: CERTSPOTTER_API_KEY for the CLI, the Slack secret’s sibling for the Lambda)'
        : status === 400
          ? ' (is the domain a registered domain, not a public suffix?)'
          : '';
    return new CtApiError(
      `the CT API refused ${domain}'s poll: ${status} ${code ?? ''} ${message}${hint}`.replace(/\s+/g, ' '),
      domain,
      status,
      code,
    );
  }
}
