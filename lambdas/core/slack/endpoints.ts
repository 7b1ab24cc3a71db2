/**
 * The digest's "What endpoints serve" section: what the probe found this run, next to what ACM says. Endpoints with
 * findings first (most serious first), then the unreachable ones (each can be the network: the digest lists them
 * every day, on-call is paged only once one fails three runs in a row), then the served certificates that changed
 * since the last run. Names and messages come from member accounts and servers: shown as code.
 */
import { probeFindingRule } from '../probe/findings';
import type { EndpointChange } from '../probe/history';
import type { EndpointResult } from '../probe/model';
import { type Block, section } from './blocks';
import { listBlocks } from './list';
import { accountLabel, code, expiryPhrase, formatCount, plural } from './text';

export const ENDPOINT_LIST_CAPS = { findings: 8, unreachable: 5, changes: 3 } as const;

const LIST_BUDGET = 3_000;
const SEVERITY_RANK = ['critical', 'high', 'medium', 'low', 'info'];
const DAY_MS = 86_400_000;

function rank(endpoint: EndpointResult): number {
  const ranks = endpoint.findings.map((finding) => SEVERITY_RANK.indexOf(probeFindingRule(finding).severity));
  return ranks.length === 0 ? SEVERITY_RANK.length : Math.min(...ranks);
}

function name(endpoint: Pick<EndpointResult, 'host' | 'port' | 'sni'>): string {
  const at = endpoint.host === endpoint.sni ? '' : ` at ${code(endpoint.host, 120)}`;
  return `${code(endpoint.port === 443 ? endpoint.sni : `${endpoint.sni}:${endpoint.port}`, 160)}${at}`;
}

function where(
  endpoint: Pick<EndpointResult, 'accountId' | 'region' | 'source'>,
  accountNames: ReadonlyMap<string, string>,
) {
  if (endpoint.accountId === undefined) return 'your endpoints file';
  return `${accountLabel(endpoint.accountId, accountNames.get(endpoint.accountId))} · ${code(endpoint.region ?? '', 30)}`;
}

function days(notAfter: string, now: string): number {
  return Math.floor((Date.parse(notAfter) - Date.parse(now)) / DAY_MS);
}

export interface EndpointDigestInput {
  endpoints: readonly EndpointResult[];
  changes: readonly EndpointChange[];
  generatedAt: string;
  accountNames: ReadonlyMap<string, string>;
  reportLocation?: string;
}

export function endpointDigestBlocks(input: EndpointDigestInput): Block[] {
  const { endpoints } = input;
  if (endpoints.length === 0) return [];
  const count = (status: EndpointResult['status']) => endpoints.filter((e) => e.status === status).length;
  const withFindings = endpoints.filter((e) => e.status === 'finding').sort((a, b) => rank(a) - rank(b));
  const unreachable = endpoints.filter((e) => e.status === 'unreachable');
  const probed = endpoints.length - count('skipped');
  const figures = [
    `${plural(probed, 'endpoint')} probed`,
    withFindings.length > 0 ? `${formatCount(withFindings.length)} with findings` : '',
    unreachable.length > 0 ? `${formatCount(unreachable.length)} unreachable` : '',
    count('skipped') > 0 ? `${formatCount(count('skipped'))} skipped` : '',
  ].filter(Boolean);
  const headline = `🔐 *What endpoints serve*\n${figures.join(' · ')}`;
  const options = (total: number) => ({
    total,
    budget: LIST_BUDGET,
    ...(input.reportLocation ? { reportLocation: input.reportLocation } : {}),
  });
  if (withFindings.length === 0 && unreachable.length === 0 && input.changes.length === 0) {
    return [section(`${headline}\n✅ Every endpoint reached serves its ACM certificate, valid and complete.`)];
  }
  const blocks: Block[] = [section(headline)];
  if (withFindings.length > 0) {
    const lines = withFindings.slice(0, ENDPOINT_LIST_CAPS.findings).map((e) => {
      const served = e.served
        ? ` · serves ${code(e.served.serial, 60)}, ${expiryPhrase(days(e.served.notAfter, input.generatedAt))}`
        : '';
      const acm =
        e.findings.includes('SERVED_MISMATCH') && e.expectedSerials.length > 0
          ? `, ACM has ${code(e.expectedSerials[0] as string, 60)}`
          : '';
      return `• ${name(e)} — ${e.findings.map((f) => code(f, 30)).join(' ')}${served}${acm} · ${where(e, input.accountNames)}`;
    });
    blocks.push(
      ...listBlocks(
        `*Serving the wrong certificate, or a bad one* (${formatCount(withFindings.length)})`,
        lines,
        options(withFindings.length),
      ),
    );
  }
  if (unreachable.length > 0) {
    const lines = unreachable
      .slice(0, ENDPOINT_LIST_CAPS.unreachable)
      .map(
        (e) =>
          `• ${name(e)} — ${code(e.error?.reason ?? 'unreachable', 20)} ${code(e.error?.message ?? '', 120)} · ${where(e, input.accountNames)}`,
      );
    blocks.push(
      ...listBlocks(
        `*Unreachable from the monitor* (${formatCount(unreachable.length)})\n_Can be the network: on-call is paged once an endpoint fails three runs in a row._`,
        lines,
        options(unreachable.length),
      ),
    );
  }
  if (input.changes.length > 0) {
    const lines = input.changes
      .slice(0, ENDPOINT_LIST_CAPS.changes)
      .map((change) => `• ${name(change)} — serial ${code(change.before, 60)} → ${code(change.after, 60)}`);
    blocks.push(
      ...listBlocks(
        `*Served certificate changed* (${formatCount(input.changes.length)})`,
        lines,
        options(input.changes.length),
      ),
    );
  }
  return blocks;
}
