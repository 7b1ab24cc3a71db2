/**
 * A whole audit of a simulated organization: a suspended account, an account whose role is refused and an opt-in
 * region that is not enabled everywhere. The rest must be scanned completely, each certificate once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../../lambdas/scan/audit';
import { generateScenario, type SimAccount } from '../../../local/sim';
import { EXTERNAL_ID, ROLE_NAME, type ScanHarness, simArns, startScanHarness } from './sim-harness';

const OPT_IN = 'af-south-1';
let h: ScanHarness;
let suspended: SimAccount;
let denied: SimAccount;
let scanned: SimAccount[];

beforeAll(async () => {
  const scenario = generateScenario({
    seed: 5,
    accounts: 7,
    regions: ['us-east-1', 'eu-west-1', OPT_IN],
    externalId: EXTERNAL_ID,
    inactiveAccounts: false,
    certificatesPerTarget: { min: 1, max: 6 },
  });
  h = await startScanHarness(scenario);
  const accounts = h.sim.org.accounts();
  [, suspended, denied] = accounts as [SimAccount, SimAccount, SimAccount];
  h.sim.org.setAccountState(suspended.id, 'SUSPENDED');
  h.sim.faults.denyRole(denied.id);
  scanned = accounts.filter((account) => account !== suspended && account !== denied);
});

afterAll(() => h.close());

const enabledIn = (account: SimAccount) => account.enabledRegions.map((region) => region.name);

describe('runAudit against the simulated organization', () => {
  it('scans every enabled region of every active account and reports the refused account as a coverage gap', async () => {
    h.sim.counters.reset();

    const result = await runAudit(h.hub, {
      accounts: 'organization',
      regions: 'enabled',
      roleName: ROLE_NAME,
      externalId: EXTERNAL_ID,
      runId: 'audit-1',
    });

    const gap = result.targets.filter((t) => t.region === '*');
    expect(gap).toHaveLength(1);
    expect(gap[0]).toMatchObject({ accountId: denied.id, status: 'error', errorCode: 'AccessDenied' });
    expect(result.inactiveAccounts.map((a) => a.id)).toEqual([suspended.id]);
    expect(h.sim.counters.total({ accountId: suspended.id })).toBe(0);

    const regional = result.targets.filter((t) => t.region !== '*');
    expect(regional.map((t) => `${t.accountId}/${t.region}`).sort()).toEqual(
      scanned.flatMap((account) => enabledIn(account).map((region) => `${account.id}/${region}`)).sort(),
    );
    expect(regional.every((t) => t.status === 'ok')).toBe(true);
    for (const t of regional) {
      const found = result.certificates.filter((c) => c.accountId === t.accountId && c.region === t.region);
      expect(found.map((c) => c.arn).sort()).toEqual(simArns(h.sim, t));
      expect(t.certificateCount).toBe(found.length);
    }
    const arns = result.certificates.map((c) => c.arn);
    expect(new Set(arns).size).toBe(arns.length);

    // Every ACM call the simulator answered is accounted for in some target's apiCalls.
    const counted = (operation: string) => result.targets.reduce((sum, t) => sum + (t.apiCalls[operation] ?? 0), 0);
    const answered = h.sim.counters.snapshot().byOperation;
    for (const operation of ['ACM.ListCertificates', 'ACM.DescribeCertificate', 'ACM.ListTagsForCertificate']) {
      expect(counted(operation)).toBe(answered[operation]);
    }
  });

  it('turns an explicitly named region that an account has not enabled into an error target, the rest scanned', async () => {
    const without = scanned.filter((account) => !enabledIn(account).includes(OPT_IN));
    expect(without.length).toBeGreaterThan(0);

    const result = await runAudit(h.hub, {
      accounts: scanned.map((account) => account.id),
      regions: ['us-east-1', OPT_IN],
      roleName: ROLE_NAME,
      externalId: EXTERNAL_ID,
      runId: 'audit-2',
    });

    for (const t of result.targets) {
      const account = scanned.find((a) => a.id === t.accountId);
      if (!account) throw new Error(`unexpected target ${t.accountId}`);
      if (enabledIn(account).includes(t.region)) {
        expect(t.status).toBe('ok');
      } else {
        expect(t).toMatchObject({ status: 'error', errorCode: 'UnrecognizedClientException', certificateCount: 0 });
        expect(t.errorMessage).toMatch(/not enabled/);
      }
    }
    expect(result.targets).toHaveLength(scanned.length * 2);
  });
});
