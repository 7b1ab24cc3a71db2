/**
 * Coverage: the organization's accounts compared with the accounts whose audit role could be assumed. An account
 * without the role, one whose role expects another ExternalId, and an account that joined after the StackSet last
 * ran are each one coverage gap, named, with the likely cause; every other account is scanned as usual.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditResult, runAudit } from '../../../lambdas/scan/audit';
import { generateAccount, generateScenario, type Scenario } from '../../../local/sim';
import { EXTERNAL_ID, ROLE_NAME, type ScanHarness, simArns, startScanHarness } from './sim-harness';

const REGIONS = ['us-east-1', 'eu-west-1'];
const JOINER = '999900002222';
let h: ScanHarness;
let scenario: Scenario;
let withoutRole: string;
let otherExternalId: string;
let result: AuditResult;

beforeAll(async () => {
  scenario = generateScenario({
    seed: 11,
    accounts: 6,
    regions: REGIONS,
    externalId: EXTERNAL_ID,
    accountsWithoutRole: 1,
    inactiveAccounts: false,
    certificatesPerTarget: { min: 1, max: 4 },
  });
  withoutRole = scenario.accounts.find((account) => account.roles.length === 0)!.id;
  const mismatched = scenario.accounts.find((a) => a.roles.length > 0 && a.id !== scenario.managementAccountId)!;
  otherExternalId = mismatched.id;
  mismatched.roles = mismatched.roles.map((role) => ({ ...role, externalId: 'an-older-external-id' }));

  h = await startScanHarness(scenario);
  // An account joins the organization; the StackSet has not reached it yet, so it has no audit role.
  h.sim.org.addAccount({
    ...generateAccount({
      seed: 3,
      id: JOINER,
      name: 'new-joiner',
      start: h.sim.clock.now().toISOString(),
      managementAccountId: scenario.managementAccountId,
      regions: REGIONS,
      externalId: EXTERNAL_ID,
    }),
    roles: [],
  });

  result = await runAudit(h.hub, {
    accounts: 'organization',
    regions: 'enabled',
    roleName: ROLE_NAME,
    externalId: EXTERNAL_ID,
    runId: 'coverage-1',
  });
}, 60_000);

afterAll(() => h.close());

describe('coverage of the organization', () => {
  it('reports each account whose role cannot be assumed as one named gap with its likely cause', () => {
    const gaps = result.targets.filter((t) => t.region === '*');

    expect(gaps.map((gap) => gap.accountId).sort()).toEqual([JOINER, otherExternalId, withoutRole].sort());
    for (const gap of gaps) {
      expect(gap).toMatchObject({ status: 'error', errorCode: 'AccessDenied', certificateCount: 0 });
      expect(gap.accountName).toBe(h.sim.org.account(gap.accountId)?.name);
      expect(gap.errorMessage).toMatch(/audit role is missing.*ExternalId does not match/);
    }
  });

  it('scans every other account completely', () => {
    const gapAccounts = new Set([JOINER, otherExternalId, withoutRole]);
    const covered = h.sim.org.accounts().filter((account) => !gapAccounts.has(account.id));
    const regional = result.targets.filter((t) => t.region !== '*');

    expect(new Set(regional.map((t) => t.accountId))).toEqual(new Set(covered.map((account) => account.id)));
    expect(regional.every((t) => t.status === 'ok')).toBe(true);
    const expected = regional.flatMap((t) => simArns(h.sim, t)).sort();
    expect(result.certificates.map((c) => c.arn).sort()).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });
});
