/**
 * The optional step of an account's scan that lists its Route 53 public hosted zones (the `dns-diagnosis` feature
 * set) and stores them for the diagnosis. It rides on the session the scan already holds, since only the scanner may
 * assume the audit role. A listing or a save that fails is logged and costs nothing else: the account's certificates
 * are the scan's job, and the zones stored by an earlier run stay as they were.
 */

import type { CallCounter } from '../aws/call-counter';
import { type ClientConfig, createRoute53Client } from '../aws/clients';
import type { RoleCredentials } from '../aws/credentials';
import { awsErrorCode, awsErrorMessage } from '../aws/errors';
import type { AccountRef } from '../aws/organizations';
import { listPublicHostedZones } from '../aws/route53';
import type { AccountZones } from '../core/diagnosis/zones';
import type { ZoneStore } from '../core/ports';
import type { ScanLogger } from './scan-target';

export interface AccountZonesDeps {
  roles: RoleCredentials;
  clientConfig: Omit<ClientConfig, 'credentials' | 'calls'>;
  /** Absent: the zones are only returned (the one-shot audit). */
  zones?: ZoneStore;
  logger?: ScanLogger;
}

/** The account's zones, or undefined when they could not be listed. */
export async function listAccountZones(
  deps: AccountZonesDeps,
  input: { runId: string; account: AccountRef; now: Date; calls: CallCounter },
): Promise<AccountZones | undefined> {
  const { runId, account } = input;
  const client = createRoute53Client({
    ...deps.clientConfig,
    credentials: deps.roles.provider(account.id, input.calls),
    calls: input.calls,
  });
  let listed: AccountZones;
  try {
    listed = {
      accountId: account.id,
      ...(account.name ? { accountName: account.name } : {}),
      zones: await listPublicHostedZones(client, account.id),
      listedAt: input.now.toISOString(),
    };
  } catch (error) {
    deps.logger?.warn('hosted zones cannot be listed; the zones stored earlier are kept', {
      runId,
      accountId: account.id,
      errorCode: awsErrorCode(error),
      errorMessage: awsErrorMessage(error),
    });
    return undefined;
  } finally {
    client.destroy();
  }
  try {
    await deps.zones?.saveAccountZones(listed);
  } catch (error) {
    deps.logger?.warn('hosted zones cannot be stored; the zones stored earlier are kept', {
      runId,
      accountId: account.id,
      errorMessage: error instanceof Error ? error.message : String(error),
    });
  }
  return listed;
}
