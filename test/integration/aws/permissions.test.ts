/**
 * The audit role's permissions against what the code really sends: the ScanTarget Map child (one session per
 * account, with its session policy) runs against the simulator, the simulator records every call made in the member
 * accounts, and the IAM actions of those calls must be exactly the actions the adapters declare for that caller.
 * A call the declaration lacks is refused by the session policy (and fails here); an action declared but never
 * called is a permission the role grants for nothing (and fails here too). Each feature set is run on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStsClient } from '../../../lambdas/aws/clients';
import {
  AUDIT_ROLE_CALLERS,
  auditRoleActions,
  callerActions,
  FEATURE_SET_NAMES,
  sessionPolicy,
} from '../../../lambdas/aws/permissions';
import { scanChild } from '../../../lambdas/pipeline/scan-child';
import { generateScenario, iamAction } from '../../../local/sim';
import { MemoryStore } from '../../unit/scan/memory-store';
import { CLIENT_CONFIG, EXTERNAL_ID, ROLE_NAME, type ScanHarness, startScanHarness } from '../scan/sim-harness';

let h: ScanHarness;
let members: string[];
/** The hub's STS client, recording the session policy of every AssumeRole it sends. */
let sts: ReturnType<typeof createStsClient>;
const policiesSent: Array<string | undefined> = [];

beforeAll(async () => {
  const scenario = generateScenario({
    seed: 5,
    accounts: 4,
    regions: ['us-east-1', 'eu-west-1'],
    certificatesPerTarget: { min: 3, max: 6 },
    externalId: EXTERNAL_ID,
    inactiveAccounts: false,
    taggingDeniedAccounts: 0,
    hostedZones: true,
  });
  h = await startScanHarness(scenario);
  sts = createStsClient(CLIENT_CONFIG);
  sts.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'AssumeRoleCommand') {
        policiesSent.push((args.input as { Policy?: string }).Policy);
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordSessionPolicy' },
  );
  members = h.sim.org
    .accounts()
    .map((account) => account.id)
    .filter((id) => id !== h.sim.org.managementAccountId);
});

afterAll(async () => {
  sts.destroy();
  await h.close();
});

/** The IAM actions of the calls made in member accounts (their audit-role sessions) since the last reset. */
function actionsCalled(): { actions: string[]; refused: number } {
  const inMembers = h.sim.counters.entries().filter((call) => members.includes(call.accountId));
  const actions = [...new Set(inMembers.map((call) => iamAction(call.service, call.operation) ?? call.service))];
  const refused = inMembers.filter((call) => call.outcome === 'error').reduce((sum, call) => sum + call.count, 0);
  return { actions: actions.sort(), refused };
}

describe('audit role actions against the calls the adapters make', () => {
  it.each(FEATURE_SET_NAMES.map((name) => [name, name === 'core' ? [] : [name]] as const))(
    'with feature set %s, ScanTarget calls exactly the actions declared for it, none refused by its session policy',
    async (_name, features) => {
      h.sim.counters.reset();
      policiesSent.length = 0;
      const store = new MemoryStore();

      const summaries = await Promise.all(
        members.map((accountId) =>
          scanChild(
            { sts, store, clientConfig: CLIENT_CONFIG },
            {
              runId: 'perm-scan',
              account: { accountId },
              regions: 'enabled',
              now: h.sim.clock.now(),
              roleName: ROLE_NAME,
              externalId: EXTERNAL_ID,
              features,
            },
          ),
        ),
      );

      const { actions, refused } = actionsCalled();
      expect(summaries.every((summary) => summary.errorCode === undefined && summary.regions > 0)).toBe(true);
      expect(summaries.reduce((sum, summary) => sum + summary.certificateCount, 0)).toBeGreaterThan(0);
      expect(refused).toBe(0);
      expect(actions).toEqual([...callerActions('scanTarget', features)].sort());
      // At least one AssumeRole per account (the simulated clock can make a session look old and renewed).
      expect(policiesSent.length).toBeGreaterThanOrEqual(members.length);
      for (const policy of policiesSent)
        expect(JSON.parse(policy ?? 'null')).toEqual(sessionPolicy('scanTarget', features));
    },
  );

  it.each(FEATURE_SET_NAMES)(
    'with feature set %s, the role grants exactly what its callers declare, so every granted action is one a caller makes',
    (name) => {
      const features = name === 'core' ? [] : [name];
      const declared = AUDIT_ROLE_CALLERS.flatMap((caller) => callerActions(caller, features));

      expect([...new Set(declared)].sort()).toEqual([...auditRoleActions(features)].sort());
    },
  );
});
