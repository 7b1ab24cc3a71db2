import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { explicitRegions, listEnabledRegions, RegionsError } from '../../../lambdas/aws/regions';

const account = mockClient(AccountClient);
const client = new AccountClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

beforeEach(() => account.reset());

describe('listEnabledRegions', () => {
  it('asks for enabled and enabled-by-default regions, all pages, sorted', async () => {
    account
      .on(ListRegionsCommand)
      .resolvesOnce({ Regions: [{ RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' }], NextToken: 'n' })
      .resolvesOnce({ Regions: [], NextToken: 'm' })
      .resolvesOnce({ Regions: [{ RegionName: 'af-south-1', RegionOptStatus: 'ENABLED' }] });

    const regions = await listEnabledRegions(client, '111111111111');

    expect(regions).toEqual(['af-south-1', 'us-east-1']);
    const inputs = account.commandCalls(ListRegionsCommand).map((call) => call.args[0].input);
    expect(inputs[0]?.RegionOptStatusContains).toEqual(['ENABLED', 'ENABLED_BY_DEFAULT']);
    expect(inputs[0]?.AccountId).toBeUndefined();
    expect(inputs.map((input) => input.NextToken)).toEqual([undefined, 'n', 'm']);
  });

  it('maps a refusal to RegionsError for the whole account', async () => {
    account.on(ListRegionsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    const error = await listEnabledRegions(client, '111111111111').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RegionsError);
    expect(error).toMatchObject({ accountId: '111111111111', region: '*', code: 'AccessDeniedException' });
    expect((error as Error).message).toMatch(/account:ListRegions/);
  });
});

describe('explicitRegions', () => {
  it('de-duplicates and sorts', () => {
    expect(explicitRegions(['us-east-1', 'eu-west-1', 'us-east-1'])).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('rejects a name that is not a region', () => {
    expect(() => explicitRegions(['us-east-1', 'useast1'])).toThrow(/useast1/);
  });
});
