/** The AWS adapters with real SDK clients against the simulated organization. */
import type { AccountClient } from '@aws-sdk/client-account';
import { ListCertificatesCommand } from '@aws-sdk/client-acm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCertificates, listCertificateTags } from '../../../lambdas/aws/acm';
import { CallCounter } from '../../../lambdas/aws/call-counter';
import { createAccountClient } from '../../../lambdas/aws/clients';
import { AssumeRoleError, RoleCredentials } from '../../../lambdas/aws/credentials';
import { listOrganizationAccounts } from '../../../lambdas/aws/organizations';
import { listEnabledRegions } from '../../../lambdas/aws/regions';
import type { Target } from '../../../lambdas/core/model';
import { generateScenario } from '../../../local/sim';
import {
  CLIENT_CONFIG,
  EXTERNAL_ID,
  ROLE_NAME,
  type ScanHarness,
  simArns,
  startScanHarness,
} from '../scan/sim-harness';

const LARGEST = 1_100;
let h: ScanHarness;
let large: Target;

beforeAll(async () => {
  const scenario = generateScenario({
    seed: 11,
    accounts: 4,
    regions: ['us-east-1', 'eu-west-1', 'af-south-1'],
    largestTarget: LARGEST,
    externalId: EXTERNAL_ID,
    legacyStatusAccounts: 1,
    inactiveAccounts: false,
    taggingDeniedAccounts: 0,
  });
  h = await startScanHarness(scenario);
  const record = h.sim.org
    .accounts()
    .flatMap((account) => [...account.targets.entries()].map(([region, list]) => ({ account, region, list })))
    .find((t) => t.list.length === LARGEST);
  if (!record) throw new Error('the scenario has no target of the largest size');
  large = { accountId: record.account.id, region: record.region };
});

afterAll(() => h.close());

describe('ACM adapter against the simulator', () => {
  it('finds the certificates ACM hides by default, each once across pages, while ListCertificates throttles', async () => {
    const byDefault = h.acm(large);
    const defaultPage = await byDefault.send(new ListCertificatesCommand({ MaxItems: 1000 }));
    byDefault.destroy();
    const calls = new CallCounter();
    const acm = h.acm(large, calls);
    h.sim.faults.throttle({ service: 'ACM', operation: 'ListCertificates', accountId: large.accountId, count: 2 });

    const certificates = await listCertificates(acm, large);

    const arns = certificates.map((c) => c.arn);
    expect(new Set(arns).size).toBe(arns.length);
    expect([...arns].sort()).toEqual(simArns(h.sim, large));
    const hidden = certificates.filter(
      (c) => !['RSA_1024', 'RSA_2048'].includes(c.keyAlgorithm) || c.keyPairOrigin === 'ACME',
    );
    expect(hidden.some((c) => c.keyPairOrigin === 'ACME')).toBe(true);
    expect(hidden.some((c) => c.keyAlgorithm.startsWith('EC_'))).toBe(true);
    const listedByDefault = new Set(defaultPage.CertificateSummaryList?.map((s) => s.CertificateArn));
    expect(hidden.filter((c) => listedByDefault.has(c.arn))).toEqual([]);
    expect(calls.calls['ACM.ListCertificates']).toBe(4);
    expect(calls.throttles).toBe(2);
    acm.destroy();
  });
});

describe('Organizations and Account adapters against the simulator', () => {
  it('lists ACTIVE accounts, reading the retired Status where State is absent', async () => {
    const [, second, third] = h.sim.org.accounts();
    if (!second || !third) throw new Error('scenario too small');
    h.sim.org.setAccountState(third.id, 'SUSPENDED');

    const { active, inactive } = await listOrganizationAccounts(h.hub.organizations);

    const legacy = h.sim.org.accounts().filter((account) => account.status && !account.state);
    expect(legacy.length).toBeGreaterThan(0);
    for (const account of legacy) expect(active.map((a) => a.id)).toContain(account.id);
    expect(inactive).toEqual([{ id: third.id, name: third.name, state: 'SUSPENDED' }]);
    expect(active).toHaveLength(h.sim.org.accounts().length - 1);
    h.sim.org.setAccountState(third.id, 'ACTIVE');
  });

  it("lists the regions enabled in the account, with the account's own audit-role credentials", async () => {
    for (const account of h.sim.org.accounts()) {
      const client: AccountClient = createAccountClient({
        ...CLIENT_CONFIG,
        credentials: h.roles.provider(account.id),
      });

      const regions = await listEnabledRegions(client, account.id);

      expect(regions).toEqual(account.enabledRegions.map((region) => region.name).sort());
      client.destroy();
    }
  });
});

describe('certificate tags against the simulator', () => {
  it("reads one certificate's tags with ListTagsForCertificate, and none for a certificate never tagged", async () => {
    const records = h.sim.org.certificatesIn(large.accountId, large.region);
    const tagged = records.find((r) => r.certificate.tags && Object.keys(r.certificate.tags).length > 0);
    const untagged = records.find((r) => !r.certificate.tags);
    if (!tagged || !untagged) throw new Error('the scenario lacks a tagged and an untagged certificate');
    const calls = new CallCounter();
    const acm = h.acm(large, calls);

    const tags = await listCertificateTags(acm, { ...large, arn: tagged.certificate.arn });
    const none = await listCertificateTags(acm, { ...large, arn: untagged.certificate.arn });

    expect(tags).toEqual(tagged.certificate.tags);
    expect(none).toEqual({});
    expect(calls.calls['ACM.ListTagsForCertificate']).toBe(2);
    acm.destroy();
  });
});

describe('audit-role credentials against the simulator', () => {
  it('are refused with the likely causes when the ExternalId does not match', async () => {
    const roles = new RoleCredentials({ sts: h.hub.sts, roleName: ROLE_NAME, externalId: 'wrong', runId: 'r' });

    const error = await roles.get(large.accountId).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AssumeRoleError);
    expect(error).toMatchObject({ accountId: large.accountId, region: '*', code: 'AccessDenied' });
    expect((error as Error).message).toMatch(/ExternalId/);
  });
});
