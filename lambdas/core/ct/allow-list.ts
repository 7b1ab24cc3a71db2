/**
 * The user's allow list (`--ct-allow FILE`): legitimate issuances outside ACM (a CDN provider's certificate, a
 * vendor's), each with the reason it is fine. Checked strictly, since a loose rule silences real alarms: every rule
 * needs a reason and at least one criterion, and a name pattern must cover every name on the certificate.
 */
import { z } from 'zod';
import type { CtAllowRule, CtIssuance } from './model';

export class CtAllowListError extends Error {
  override readonly name = 'CtAllowListError';
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/**
 * Built on first use, like the report schema: the Lambdas that reach this module for the matching alone (FinalizeRun)
 * then bundle no full zod (test/unit/handlers/bundle.test.ts).
 */
const rule = () =>
  z
    .object({
      sha256: z
        .string()
        .transform((value) => value.replace(/:/g, ''))
        .refine((value) => HEX_SHA256.test(value), 'sha256 must be 64 hex digits (colons allowed)')
        .optional(),
      issuer: z.string().min(1, 'issuer must not be empty').optional(),
      names: z
        .string()
        .regex(/^[a-zA-Z0-9*.-]+$/, 'names must be a DNS name pattern such as *.cdn.example.com')
        .optional(),
      reason: z.string().trim().min(1, 'reason is required: say why this issuance is legitimate'),
    })
    .strict()
    .refine((rule) => rule.sha256 !== undefined || rule.issuer !== undefined || rule.names !== undefined, {
      message: 'a rule needs at least one of sha256, issuer, names (a reason alone would allow everything)',
    });

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
    const parsed = rule().safeParse(entry);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
        .join('; ');
      throw new CtAllowListError(`${source}, rule ${index + 1}: ${problems}`);
    }
    const { sha256, issuer, names, reason } = parsed.data;
    return {
      ...(sha256 !== undefined ? { sha256: sha256.toLowerCase() } : {}),
      ...(issuer !== undefined ? { issuer } : {}),
      ...(names !== undefined ? { names: names.toLowerCase() } : {}),
      reason,
    };
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
