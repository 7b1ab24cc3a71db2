/**
 * The order targets are scanned in. A run lasts as long as its slowest target, and the slowest is the one with the
 * most certificates (describing is paced by ACM's per-target quota), so it should start first, not behind a
 * thousand empty account-regions. Sizes come from the previous scan; a target never scanned has an unknown size
 * and goes first too (a newly joined account may be the biggest of all).
 */
import type { Target } from './model';

export function targetKey(target: Pick<Target, 'accountId' | 'region'>): string {
  return `${target.accountId}#${target.region}`;
}

/** Largest first by last known certificate count; unknown sizes before all known ones; ties keep their order. */
export function largestFirst<T extends Pick<Target, 'accountId' | 'region'>>(
  targets: readonly T[],
  certificateCounts: ReadonlyMap<string, number>,
): T[] {
  const size = (target: T) => certificateCounts.get(targetKey(target)) ?? Number.POSITIVE_INFINITY;
  return targets
    .map((target, index) => ({ target, index, size: size(target) }))
    .sort((a, b) => (a.size === b.size ? a.index - b.index : b.size - a.size))
    .map(({ target }) => target);
}
