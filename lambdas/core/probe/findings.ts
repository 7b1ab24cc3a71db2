/**
 * Finding rules over what an endpoint served, in the shape of the certificate rules (core/findings.ts): each with its
 * severity, meaning and the fix on-call should try. ACM says what should be served; these say what is. A probe that
 * got no certificate is ENDPOINT_UNREACHABLE and nothing else: a network failure says nothing about the certificate.
 */

import { daysToExpiry } from '../findings';
import type { Severity } from '../model';
import { SKIP_REASONS } from './discovery';
import type { Endpoint, EndpointResult, ProbeFindingCode, ProbeOutcome, ServedCertificate } from './model';
import { PROBE_FINDING_CODES } from './model';
import { normalizeSerial } from './serial';

export interface ProbeFindingContext {
  now: Date;
  /** SERVED_EXPIRING fires at or below this many days to the served certificate's expiry. */
  expiryDays: number;
}

export interface ProbeFindingRule {
  code: ProbeFindingCode;
  severity: Severity;
  meaning: string;
  fix: string;
  applies(endpoint: Endpoint, served: ServedCertificate, ctx: ProbeFindingContext): boolean;
}

function expired(served: ServedCertificate, now: Date): boolean {
  const notAfter = Date.parse(served.notAfter);
  return !Number.isNaN(notAfter) && now.getTime() > notAfter;
}

/** The rules in the order findings are listed on an endpoint (the order of PROBE_FINDING_CODES). */
export const PROBE_FINDING_RULES: readonly ProbeFindingRule[] = [
  {
    code: 'SERVED_EXPIRED',
    severity: 'critical',
    meaning: 'The endpoint serves a certificate that has expired: every client connecting now gets a TLS error.',
    fix: 'Attach a valid certificate to the listener, distribution or custom domain (or install one on the server), whatever ACM shows for it.',
    applies: (_endpoint, served, { now }) => expired(served, now),
  },
  {
    code: 'SERVED_MISMATCH',
    severity: 'high',
    meaning:
      'The endpoint serves a certificate other than the ACM certificate it is configured with: a renewal not picked up, SNI choosing another certificate, or DNS pointing somewhere else.',
    fix: "Compare the served serial with the ACM certificate's: for a listener check its SNI certificate list, for a name check where its DNS record points; a server outside ACM needs the renewed certificate installed and reloaded.",
    applies: (endpoint, served) =>
      endpoint.expectedSerials.length > 0 && !endpoint.expectedSerials.includes(normalizeSerial(served.serial)),
  },
  {
    code: 'SERVED_EXPIRING',
    severity: 'high',
    meaning:
      'The endpoint serves a certificate that expires within the expiry threshold, whatever ACM says about its own certificate.',
    fix: 'Find out why the served certificate is not the renewed one (see SERVED_MISMATCH) or renew it where it is installed, before it expires.',
    applies: (_endpoint, served, { now, expiryDays }) => {
      if (expired(served, now)) return false;
      const days = daysToExpiry(served, now);
      return days !== undefined && days <= expiryDays;
    },
  },
  {
    code: 'HOSTNAME_MISMATCH',
    severity: 'high',
    meaning: 'The certificate served for this name does not cover the name: browsers refuse it.',
    fix: 'Attach a certificate that covers the name (or add it to the listener as an SNI certificate); check the DNS record points at the right resource.',
    applies: (_endpoint, served) => !served.hostnameMatches,
  },
  {
    code: 'CHAIN_INCOMPLETE',
    severity: 'medium',
    meaning:
      'The server does not send a chain that leads to a trusted root: clients that do not fetch missing intermediates (many non-browser clients) refuse it.',
    fix: 'Install the full chain with the certificate (imported certificates: pass --certificate-chain to ImportCertificate); ACM-issued certificates on AWS services send it themselves.',
    applies: (_endpoint, served) => !served.chainComplete,
  },
  {
    code: 'ENDPOINT_UNREACHABLE',
    severity: 'low',
    meaning:
      'The probe got no certificate (timeout, refused, name not resolved or TLS failure); it can be the network between the monitor and the endpoint.',
    fix: 'Try it from elsewhere (openssl s_client -connect host:port -servername name); if it persists, check the security groups, the DNS record and that something listens on the port.',
    applies: () => false,
  },
];

const RULES = new Map(PROBE_FINDING_RULES.map((rule) => [rule.code, rule]));
for (const code of PROBE_FINDING_CODES) {
  if (!RULES.has(code)) throw new Error(`probe finding code ${code} has no rule in PROBE_FINDING_RULES`);
}

export function probeFindingRule(code: ProbeFindingCode): ProbeFindingRule {
  const rule = RULES.get(code);
  if (rule === undefined) throw new Error(`unknown probe finding code ${String(code)}`);
  return rule;
}

function common(endpoint: Endpoint): Omit<EndpointResult, 'status' | 'findings'> {
  return {
    host: endpoint.host,
    port: endpoint.port,
    sni: endpoint.sni,
    source: endpoint.source,
    ...(endpoint.resourceArn ? { resourceArn: endpoint.resourceArn } : {}),
    ...(endpoint.certificateArn ? { certificateArn: endpoint.certificateArn } : {}),
    ...(endpoint.accountId ? { accountId: endpoint.accountId } : {}),
    ...(endpoint.region ? { region: endpoint.region } : {}),
    expectedSerials: [...endpoint.expectedSerials],
  };
}

/** A skipped endpoint as the report shows it. */
export function skippedResult(endpoint: Endpoint): EndpointResult {
  return {
    ...common(endpoint),
    status: 'skipped',
    skippedReason: endpoint.skippedReason ?? 'not probed',
    findings: [],
  };
}

/** What the rules conclude about one probed endpoint. */
export function assessEndpoint(endpoint: Endpoint, outcome: ProbeOutcome, ctx: ProbeFindingContext): EndpointResult {
  const probedAt = ctx.now.toISOString();
  // A certificate's name that is not in public DNS is an internal name, not an outage: nothing public to probe.
  if (outcome.kind === 'unreachable' && outcome.reason === 'no-address' && endpoint.source === 'domain') {
    return { ...skippedResult({ ...endpoint, skippedReason: SKIP_REASONS.noAddress }), probedAt };
  }
  if (outcome.kind === 'unreachable') {
    return {
      ...common(endpoint),
      status: 'unreachable',
      error: { reason: outcome.reason, message: outcome.message },
      findings: ['ENDPOINT_UNREACHABLE'],
      probedAt,
    };
  }
  const findings = PROBE_FINDING_RULES.filter((rule) => rule.applies(endpoint, outcome.served, ctx)).map(
    (rule) => rule.code,
  );
  return {
    ...common(endpoint),
    status: findings.length > 0 ? 'finding' : 'ok',
    served: outcome.served,
    findings,
    probedAt,
  };
}
