/**
 * Diagnoses every certificate that needs it in one pass: lookups are shared through a per-pass cache (the
 * certificates of one organization share apexes and their CAA sets), and at most `concurrency` certificates are
 * diagnosed at once so a run with many failures does not flood the resolver.
 */
import { compareUrgency } from '../findings';
import type { AssessedCertificate } from '../model';
import type { ZoneStore } from '../ports';
import { diagnoseCertificate, needsDiagnosis } from './diagnose';
import type { DiagnosisEntry, DnsResolver } from './model';
import { type AccountZones, locateZones } from './zones';

export const DEFAULT_DIAGNOSIS_CONCURRENCY = 8;
/**
 * Certificates diagnosed per pass, most urgent first: enough for any organization having a bad day, and a bound on
 * the time a pass can take when DNS is slow (the rest get theirs on a later run, once the first are fixed).
 */
export const DEFAULT_MAX_DIAGNOSED = 200;
/**
 * Time a pass may take before it starts no further certificate: a resolver that times out on every question (3 s,
 * twice, per lookup) must not eat FinalizeRun's 10 minutes, which still has to alert, post and record the run.
 */
export const DEFAULT_DIAGNOSIS_BUDGET_MS = 120_000;

/** A resolver that asks each question once per pass; a failed lookup is shared too, so one pass tells one story. */
export function cachedResolver(resolver: DnsResolver): DnsResolver {
  const cache = new Map<string, Promise<unknown>>();
  const once = <T>(kind: keyof DnsResolver, name: string, ask: () => Promise<T>): Promise<T> => {
    const key = `${kind} ${name.toLowerCase()}`;
    let hit = cache.get(key) as Promise<T> | undefined;
    if (hit === undefined) {
      hit = ask();
      cache.set(key, hit);
    }
    return hit;
  };
  return {
    cname: (name) => once('cname', name, () => resolver.cname(name)),
    caa: (name) => once('caa', name, () => resolver.caa(name)),
    addresses: (name) => once('addresses', name, () => resolver.addresses(name)),
  };
}

/** The diagnosis of each certificate that needs one, by ARN. */
export async function diagnoseCertificates(
  certificates: readonly AssessedCertificate[],
  resolver: DnsResolver,
  opts: {
    concurrency?: number;
    maxCertificates?: number;
    budgetMs?: number;
    clock?: () => number;
    /** The organization's hosted zones, to name the zone of each record to fix; absent: fixes name no zone. */
    zones?: readonly AccountZones[];
  } = {},
): Promise<Map<string, DiagnosisEntry[]>> {
  const shared = cachedResolver(resolver);
  const queue = certificates
    .filter(needsDiagnosis)
    .sort(compareUrgency)
    .slice(0, opts.maxCertificates ?? DEFAULT_MAX_DIAGNOSED);
  const results = new Map<string, DiagnosisEntry[]>();
  let next = 0;
  const clock = opts.clock ?? (() => Date.now());
  const stopAt = clock() + (opts.budgetMs ?? DEFAULT_DIAGNOSIS_BUDGET_MS);
  const worker = async () => {
    while (next < queue.length && clock() < stopAt) {
      const cert = queue[next++]!;
      const entries = await diagnoseCertificate(cert, shared);
      results.set(cert.arn, opts.zones === undefined ? entries : locateZones(entries, opts.zones));
    }
  };
  const workers = Math.max(1, Math.min(opts.concurrency ?? DEFAULT_DIAGNOSIS_CONCURRENCY, queue.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

/** The certificates with this pass's diagnoses attached (a certificate without one is returned as it was). */
export function withDiagnoses(
  certificates: readonly AssessedCertificate[],
  diagnoses: ReadonlyMap<string, DiagnosisEntry[]>,
): AssessedCertificate[] {
  return certificates.map((cert) => {
    const diagnosis = diagnoses.get(cert.arn);
    return diagnosis === undefined ? cert : { ...cert, diagnosis };
  });
}

/**
 * The organization's hosted zones for a diagnosis pass, as the scans stored them (FinalizeRun and the CLI read them
 * the same way). A read that fails leaves the fixes naming no zone, rather than saying no zone holds the record.
 */
export async function zonesForDiagnosis(
  store: Pick<ZoneStore, 'loadAllZones'> | undefined,
  onError: (error: unknown) => void,
): Promise<AccountZones[] | undefined> {
  if (store === undefined) return undefined;
  try {
    return await store.loadAllZones();
  } catch (error) {
    onError(error);
    return undefined;
  }
}
