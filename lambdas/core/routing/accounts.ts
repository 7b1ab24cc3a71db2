/**
 * The account facts owner routing reads (tags, OUs), kept between runs for the real-time event path: only a daily
 * run reads Organizations, so the event path routes with what the last one read, through the same rules. What is
 * kept is only what the table's rules look at (the tag keys of its account rules, the OU ancestry), so a change to
 * an unrelated account tag never rewrites the record, and nothing the rules do not need is stored.
 */
import { type RoutesConfig, routingNeeds } from './config';
import type { AccountRouting } from './resolve';

/** Why an account's alerts went to the default destination: no daily run had recorded its routing facts yet. */
export const ACCOUNT_ROUTING_NOT_RECORDED =
  'account tags and OUs not recorded yet (the next daily run reads them): routed by certificate tags only';

/** Where the routing facts the last daily run read are kept and read back (lambdas/aws/store/account-routing-store.ts). */
export interface AccountRoutingStore {
  /** Replaces each account's recorded facts with these. */
  saveAccountRouting(accounts: readonly AccountRouting[], recordedAt: string): Promise<void>;
  /** The recorded facts of these accounts; an account never recorded is absent. */
  loadAccountRouting(accountIds: readonly string[]): Promise<Map<string, AccountRouting>>;
}

/** Whether the table has rules that read account facts (else there is nothing to record or read). */
export function readsAccountFacts(config: Pick<RoutesConfig, 'rules'>): boolean {
  const needs = routingNeeds(config);
  return needs.accountTags || needs.ous;
}

/** What to record of an account: its tags limited to the keys the account rules read, its OUs, its read errors. */
export function factsToRecord(config: Pick<RoutesConfig, 'rules'>, account: AccountRouting): AccountRouting {
  const keys = new Set(config.rules.flatMap((rule) => ('accountTag' in rule ? [rule.accountTag] : [])));
  const tags =
    account.tags === undefined
      ? undefined
      : Object.fromEntries(Object.entries(account.tags).filter(([key]) => keys.has(key)));
  return {
    accountId: account.accountId,
    ...(tags !== undefined ? { tags } : {}),
    ...(account.tagsError !== undefined ? { tagsError: account.tagsError } : {}),
    ...(account.ouPath !== undefined ? { ouPath: [...account.ouPath] } : {}),
    ...(account.ouError !== undefined ? { ouError: account.ouError } : {}),
  };
}

/**
 * The accounts as routing sees them: each recorded one as recorded, each other one unknown, so its account and OU
 * rules fall through (with the reason, as a routing problem) and the route says why nobody owns it.
 */
export function withUnrecorded(
  accountIds: Iterable<string>,
  recorded: ReadonlyMap<string, AccountRouting>,
): Map<string, AccountRouting> {
  const accounts = new Map<string, AccountRouting>();
  for (const accountId of accountIds) {
    accounts.set(
      accountId,
      recorded.get(accountId) ?? {
        accountId,
        tagsError: ACCOUNT_ROUTING_NOT_RECORDED,
        ouError: ACCOUNT_ROUTING_NOT_RECORDED,
        notRecorded: true,
      },
    );
  }
  return accounts;
}
