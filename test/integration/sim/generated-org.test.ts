import { ListRegionsCommand } from '@aws-sdk/client-account';
import { ListCertificatesCommand } from '@aws-sdk/client-acm';
import { paginateListAccounts } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScenario, type SimCredentials, type Simulator, startSimulator } from '../../../local/sim';
import { ALL_KEY_TYPES, ALL_ORIGINS } from '../../unit/sim/fixture';
import { clients } from './harness';

/** Every certificate ARN a scanner reaches: ACTIVE accounts × enabled regions, through the audit role. */
async function sweep(sim: Simulator): Promise<{ arns: Set<string>; unreachable: string[] }> {
  const accounts: Array<{ id: string; state?: string }> = [];
  for await (const page of paginateListAccounts({ client: clients.organizations(sim), pageSize: 3 }, {})) {
    for (const account of page.Accounts ?? [])
      accounts.push({ id: account.Id as string, state: account.State ?? account.Status });
  }
  const arns = new Set<string>();
  const unreachable: string[] = [];
  for (const account of accounts.filter((a) => a.state === 'ACTIVE')) {
    let session: SimCredentials;
    try {
      const answer = await clients.sts(sim).send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${account.id}:role/CertAuditReadOnly`,
          RoleSessionName: 'sweep',
        }),
      );
      session = {
        accessKeyId: answer.Credentials?.AccessKeyId as string,
        secretAccessKey: answer.Credentials?.SecretAccessKey as string,
        sessionToken: answer.Credentials?.SessionToken,
      };
    } catch {
      unreachable.push(account.id);
      continue;
    }
    const { Regions } = await clients
      .account(sim, { credentials: session })
      .send(new ListRegionsCommand({ MaxResults: 50, RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'] }));
    for (const region of Regions ?? []) {
      const acm = clients.acm(sim, { region: region.RegionName, credentials: session });
      let NextToken: string | undefined;
      do {
        const page = await acm.send(
          new ListCertificatesCommand({
            Includes: { keyTypes: [...ALL_KEY_TYPES] },
            CertificateKeyPairOrigins: [...ALL_ORIGINS],
            NextToken,
          }),
        );
        for (const summary of page.CertificateSummaryList ?? []) arns.add(summary.CertificateArn as string);
        NextToken = page.NextToken;
      } while (NextToken);
    }
  }
  return { arns, unreachable };
}

describe('a generated organization served to the SDK', () => {
  let sim: Simulator;
  beforeAll(async () => {
    const scenario = generateScenario({
      seed: 11,
      accounts: 8,
      accountsWithoutRole: 1,
      regions: ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2', 'af-south-1', 'me-south-1'],
    });
    sim = await startSimulator({ scenario });
  });
  afterAll(async () => {
    await sim.close();
  });

  function reachable(): Set<string> {
    const arns = new Set<string>();
    for (const account of sim.org.accounts()) {
      if (sim.org.stateOf(account) !== 'ACTIVE' || account.roles.length === 0) continue;
      for (const records of account.targets.values()) for (const record of records) arns.add(record.certificate.arn);
    }
    return arns;
  }

  it('lets a scan with all key types and origins see every certificate of every reachable account', async () => {
    const { arns, unreachable } = await sweep(sim);
    expect(arns).toEqual(reachable());
    expect(unreachable).toHaveLength(1);
  });

  it('shows churn to the next scan: deleted certificates gone, new ones present', async () => {
    // Prepare
    const before = (await sweep(sim)).arns;

    // Act
    const mutations = sim.org.churn(4, { fraction: 0.3, newCertificateShare: 0.2 });
    const after = (await sweep(sim)).arns;

    // Assess
    const removed = mutations.filter((m) => m.kind === 'delete').map((m) => m.arn as string);
    const added = mutations.filter((m) => m.kind === 'addCertificate').map((m) => m.arn as string);
    expect(added.length).toBeGreaterThan(0);
    expect([...before].filter((arn) => !after.has(arn)).sort()).toEqual(removed.sort());
    expect([...after].filter((arn) => !before.has(arn)).sort()).toEqual(added.sort());
  });
});
