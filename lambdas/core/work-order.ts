/**
 * The order accounts are scanned in. A run lasts as long as its slowest target, and the slowest is the one with the
 * most certificates (describing is paced by ACM's per-target quota), so its account should start first, not behind
 * a thousand small ones. Sizes come from the previous scan; an account never scanned has an unknown size and goes
 * first too (a newly joined account may be the biggest of all).
 */
import { parseTargetKey } from './model';

/**
 * Accounts in the order their scans should start: an account's regions are scanned side by side, so it lasts as long
 * as its largest region; the account whose largest region held the most goes first, accounts never scanned before all.
 */
export function largestAccountsFirst<A extends { id: string }>(
  accounts: readonly A[],
  certificateCounts: ReadonlyMap<string, number>,
): A[] {
  const largest = new Map<string, number>();
  for (const [key, count] of certificateCounts) {
    const { accountId } = parseTargetKey(key);
    largest.set(accountId, Math.max(largest.get(accountId) ?? 0, count));
  }
  const size = (account: A) => largest.get(account.id) ?? Number.POSITIVE_INFINITY;
  return accounts
    .map((account, index) => ({ account, index, size: size(account) }))
    .sort((a, b) => (a.size === b.size ? a.index - b.index : b.size - a.size))
    .map(({ account }) => account);
}
