/**
 * The organizations the benchmarks scan, generated from fixed seeds so every run measures the same work.
 */
import {
  DEFAULT_REGIONS,
  generateScenario,
  parseCertificateArn,
  Rng,
  type Scenario,
  type ScenarioCertificate,
} from '../local/sim';

export const BENCH_SEED = 20_261_201;

/** The audit role's ExternalId in every benchmark organization, as a deployment requires one. */
export const BENCH_EXTERNAL_ID = 'cert-monitor-bench-7c1e';

/** The 17 commercial regions every account has enabled (no opt-in region), so accounts × 17 = targets. */
export const BENCH_REGIONS: string[] = [...DEFAULT_REGIONS];

export interface OrgShape {
  accounts: number;
  /** Certificates in each region an account uses (the other regions hold none). */
  perActiveTarget: { min: number; max: number };
  /** Regions with certificates per account. */
  activeRegionsPerAccount: { min: number; max: number };
  /** One target (a member's home region) has exactly this many. */
  largestTarget?: number;
  /** A few targets get a few tens of certificates (cloned from their own, under new ARNs). */
  mediumTargets?: { count: number; min: number; max: number };
}

/**
 * p1/p2: 70 accounts × 17 regions. Each account uses 1–3 regions holding 0–10 certificates each; four targets hold
 * a few tens (20–45), one holds 100; the other regions are empty, as in most organizations. Every account is
 * ACTIVE, one denies the tagging API (which the scanner no longer calls: tags come from ACM).
 */
export const P1_SHAPE: OrgShape = {
  accounts: 70,
  perActiveTarget: { min: 0, max: 10 },
  activeRegionsPerAccount: { min: 1, max: 3 },
  largestTarget: 100,
  mediumTargets: { count: 4, min: 20, max: 45 },
};

export function benchScenario(shape: OrgShape, seed = BENCH_SEED): Scenario {
  const scenario = generateScenario({
    seed,
    accounts: shape.accounts,
    regions: BENCH_REGIONS,
    certificatesPerTarget: shape.perActiveTarget,
    activeRegionsPerAccount: shape.activeRegionsPerAccount,
    ...(shape.largestTarget !== undefined ? { largestTarget: shape.largestTarget } : {}),
    externalId: BENCH_EXTERNAL_ID,
    inactiveAccounts: false,
  });
  if (shape.mediumTargets) growSomeTargets(scenario, seed, shape.mediumTargets, shape.largestTarget);
  return scenario;
}

/** Tops a few non-empty targets (never the largest) up to a few tens by copying their certificates under new ARNs. */
function growSomeTargets(
  scenario: Scenario,
  seed: number,
  medium: { count: number; min: number; max: number },
  largest: number | undefined,
): void {
  const rng = new Rng(seed ^ 0x5eed);
  const byTarget = new Map<string, ScenarioCertificate[]>();
  for (const account of scenario.accounts) {
    for (const certificate of account.certificates) {
      const { region } = parseCertificateArn(certificate.arn);
      const key = `${account.id}|${region}`;
      byTarget.set(key, [...(byTarget.get(key) ?? []), certificate]);
    }
  }
  const candidates = [...byTarget.entries()]
    .filter(([, certificates]) => certificates.length > 0 && certificates.length !== largest)
    .sort(([a], [b]) => a.localeCompare(b));
  for (const [key, certificates] of rng.shuffle(candidates).slice(0, medium.count)) {
    const [accountId] = key.split('|');
    const account = scenario.accounts.find((a) => a.id === accountId);
    if (!account) continue;
    const wanted = rng.int(medium.min, medium.max);
    for (let i = certificates.length; i < wanted; i++) {
      const source = certificates[i % certificates.length] as ScenarioCertificate;
      const arn = source.arn.replace(/certificate\/.+$/, `certificate/${rng.uuid()}`);
      const domainName = source.domainName.replace(/^(\*\.)?/, `n${i}-`);
      account.certificates.push({
        ...structuredClone(source),
        arn,
        domainName,
        subjectAlternativeNames: [domainName],
      });
    }
  }
}

/** How many targets hold how many certificates: `{ '0': 1040, '1-10': 140, '11-50': 4, '51-100': 1 }`. */
export function distribution(counts: Iterable<number>): Record<string, number> {
  const buckets: Array<[string, number]> = [
    ['0', 0],
    ['1-10', 10],
    ['11-50', 50],
    ['51-100', 100],
    ['101-500', 500],
    ['501-2500', 2500],
  ];
  const out: Record<string, number> = {};
  for (const count of counts) {
    const bucket = buckets.find(([, max]) => count <= max)?.[0] ?? '>2500';
    out[bucket] = (out[bucket] ?? 0) + 1;
  }
  return Object.fromEntries(buckets.map(([name]) => [name, out[name] ?? 0]).filter(([, n]) => n !== 0));
}
