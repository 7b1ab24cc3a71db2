/**
 * The user's allow list (`--ct-allow FILE`): legitimate issuances outside ACM (a CDN provider's certificate, a
 * vendor's), each with the reason it is fine. Checked strictly, since a loose rule silences real alarms: every rule
 * needs a reason and at least one criterion, and a name pattern must cover every name on the certificate.
 */
import type { CtAllowRule, CtIssuance } from './model';

export class CtAllowListError extends Error {
  override readonly name = 'CtAllowListError';
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const NAME_PATTERN = /^[a-zA-Z0-9*.-]+$/;
const FIELDS = new Set(['sha256', 'issuer', 'names', 'reason']);

/**
 * One rule checked by hand rather than with zod: the CT Lambda parses its allow list at cold start, and the Lambdas
 * bundle zod/mini only (test/unit/handlers/bundle.test.ts). Every problem of the rule is named.
 */
function readRule(entry: unknown): CtAllowRule | string[] {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return ['must be an object like {"names": "*.cdn.example.com", "reason": "..."}'];
  }
  const record = entry as Record<string, unknown>;
  const problems = Object.keys(record)
    .filter((key) => !FIELDS.has(key))
    .map((key) => `${key}: unknown field (known: sha256, issuer, names, reason)`);
  const text = (key: string): string | undefined => {
    const value = record[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      problems.push(`${key}: must be a string`);
      return undefined;
    }
    return value;
  };
  const sha256 = text('sha256')?.replace(/:/g, '');
  const issuer = text('issuer');
  const names = text('names');
  const reason = text('reason')?.trim();
  if (sha256 !== undefined && !HEX_SHA256.test(sha256)) problems.push('sha256: must be 64 hex digits (colons allowed)');
  if (issuer !== undefined && issuer === '') problems.push('issuer: must not be empty');
  if (names !== undefined && !NAME_PATTERN.test(names)) {
    problems.push('names: must be a DNS name pattern such as *.cdn.example.com');
  }
  if (reason === undefined || reason === '')
    problems.push('reason: reason is required: say why this issuance is legitimate');
  if (sha256 === undefined && issuer === undefined && names === undefined) {
    problems.push('a rule needs at least one of sha256, issuer, names (a reason alone would allow everything)');
  }
  if (problems.length > 0) return problems;
  return {
    ...(sha256 !== undefined ? { sha256: sha256.toLowerCase() } : {}),
    ...(issuer !== undefined ? { issuer } : {}),
    ...(names !== undefined ? { names: names.toLowerCase() } : {}),
    reason: reason as string,
  };
}

/** Parses the allow list's JSON text; throws CtAllowListError naming the file, the rule and what to fix. */
export function parseAllowList(text: string, source: string): CtAllowRule[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CtAllowListError(`${source} is not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(data)) {
    throw new CtAllowListError(
      `${source} must hold a JSON array of rules like {"names": "*.cdn.example.com", "reason": "..."}`,
    );
  }
  return data.map((entry, index) => {
    const rule = readRule(entry);
    if (Array.isArray(rule)) throw new CtAllowListError(`${source}, rule ${index + 1}: ${rule.join('; ')}`);
    return rule;
  });
}

/** `*` stands for exactly one DNS label; everything else is literal, case-insensitive. */
export function nameMatches(pattern: string, name: string): boolean {
  const patternLabels = pattern.toLowerCase().split('.');
  const labels = name.toLowerCase().split('.');
  if (patternLabels.length !== labels.length) return false;
  return patternLabels.every((label, index) => label === '*' || label === labels[index]);
}

/** The first rule that allows the issuance, or undefined. */
export function allowingRule(rules: readonly CtAllowRule[], issuance: CtIssuance): CtAllowRule | undefined {
  return rules.find((rule) => {
    if (rule.sha256 !== undefined && rule.sha256 !== issuance.certSha256.toLowerCase()) return false;
    if (rule.issuer !== undefined && !issuance.issuer.toLowerCase().includes(rule.issuer.toLowerCase())) return false;
    if (rule.names !== undefined) {
      const pattern = rule.names;
      if (issuance.dnsNames.length === 0 || !issuance.dnsNames.every((name) => nameMatches(pattern, name)))
        return false;
    }
    return true;
  });
}
