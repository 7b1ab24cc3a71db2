/**
 * The audit role as an account's scan assumes it, whoever starts the scan (the daily run's Map child, the event path's
 * rescan): one session per run, named after it, limited to the scan's declared actions by a session policy, so the
 * two callers cannot drift apart in what a scan may call.
 */
import type { STSClient } from '@aws-sdk/client-sts';
import { RoleCredentials } from '../aws/credentials';
import { sessionPolicy } from '../aws/permissions';
import type { Clock } from '../core/ports';

export interface ScanRoleInput {
  roleName: string;
  runId: string;
  externalId?: string;
  /** The optional feature sets turned on: their actions join the session policy. */
  features?: readonly string[];
}

export function scanRoleCredentials(deps: { sts: STSClient; clock?: Clock }, input: ScanRoleInput): RoleCredentials {
  return new RoleCredentials({
    sts: deps.sts,
    roleName: input.roleName,
    runId: input.runId,
    sessionPolicy: sessionPolicy('scanTarget', input.features),
    ...(input.externalId ? { externalId: input.externalId } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
}
