import { ListRegionsCommand, type ListRegionsCommandInput } from '@aws-sdk/client-account';
import { DescribeOrganizationCommand, ListAccountsCommand, paginateListAccounts } from '@aws-sdk/client-organizations';
import { GetResourcesCommand, type GetResourcesCommandInput } from '@aws-sdk/client-resource-groups-tagging-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../../local/sim';
import { LEGACY, MANAGEMENT, MEMBER, MEMBER_US_COUNT, SUSPENDED, TAGGING_DENIED } from '../../unit/sim/fixture';
import { assumeAudit, clients, type Harness, startFixture } from './harness';

describe('simulated Organizations', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFixture();
  });
  afterAll(async () => {
    await h.sim.close();
  });

  it('pages ListAccounts with empty pages in between; following NextToken yields every account once', async () => {
    // Prepare
    const organizations = clients.organizations(h.sim);
    const sizes: number[] = [];
    const ids: string[] = [];

    // Act
    for await (const page of paginateListAccounts({ client: organizations, pageSize: 1 }, {})) {
      sizes.push(page.Accounts?.length ?? 0);
      ids.push(...(page.Accounts ?? []).map((account) => account.Id as string));
    }

    // Assess
    expect(sizes).toEqual([1, 0, 1, 1, 0, 1, 1]);
    expect(ids).toEqual([MANAGEMENT, MEMBER, LEGACY, TAGGING_DENIED, SUSPENDED]);
  });

  it('gives State, and only the legacy Status for an account that has nothing else', async () => {
    const { Accounts } = await clients.organizations(h.sim).send(new ListAccountsCommand({}));
    const byId = new Map((Accounts ?? []).map((account) => [account.Id, account]));
    expect(byId.get(MEMBER)).toMatchObject({ State: 'ACTIVE', Name: 'member' });
    expect(byId.get(MEMBER)?.Status).toBeUndefined();
    expect(byId.get(LEGACY)).toMatchObject({ Status: 'ACTIVE' });
    expect(byId.get(LEGACY)?.State).toBeUndefined();
    expect(byId.get(SUSPENDED)?.State).toBe('SUSPENDED');
    expect(byId.get(MEMBER)?.Arn).toMatch(
      new RegExp(`^arn:aws:organizations::${MANAGEMENT}:account/o-[a-z0-9]+/${MEMBER}$`),
    );
  });

  it('lets only the management account list accounts (AccessDeniedException otherwise)', async () => {
    const session = await assumeAudit(h.sim);
    await expect(
      clients.organizations(h.sim, { credentials: session }).send(new ListAccountsCommand({})),
    ).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    const management = await assumeAudit(h.sim, MANAGEMENT);
    await expect(
      clients.organizations(h.sim, { credentials: management }).send(new ListAccountsCommand({ MaxResults: 20 })),
    ).resolves.toMatchObject({ Accounts: expect.any(Array) });
  });

  it('rejects MaxResults above 20 with InvalidInputException', async () => {
    await expect(clients.organizations(h.sim).send(new ListAccountsCommand({ MaxResults: 21 }))).rejects.toMatchObject({
      name: 'InvalidInputException',
    });
  });

  it('describes the organization to any member', async () => {
    const session = await assumeAudit(h.sim);
    const { Organization } = await clients
      .organizations(h.sim, { credentials: session })
      .send(new DescribeOrganizationCommand({}));
    expect(Organization?.MasterAccountId).toBe(MANAGEMENT);
  });
});

describe('simulated Account ListRegions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFixture();
  });
  afterAll(async () => {
    await h.sim.close();
  });

  async function allRegions(sim: Simulator, input: ListRegionsCommandInput, credentials = sim.credentials) {
    const account = clients.account(sim, { credentials });
    const pages: string[][] = [];
    let NextToken: string | undefined;
    do {
      const page = await account.send(new ListRegionsCommand({ ...input, NextToken }));
      pages.push((page.Regions ?? []).map((region) => `${region.RegionName}:${region.RegionOptStatus}`));
      NextToken = page.NextToken;
    } while (NextToken);
    return pages;
  }

  it('pages a member account regions from the management account, filtered by opt status', async () => {
    const enabled = await allRegions(h.sim, {
      AccountId: MEMBER,
      MaxResults: 2,
      RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'],
    });
    const all = await allRegions(h.sim, { AccountId: MEMBER });

    expect(enabled).toEqual([['af-south-1:ENABLED', 'eu-west-1:ENABLED_BY_DEFAULT'], ['us-east-1:ENABLED_BY_DEFAULT']]);
    expect(all.flat()).toContain('me-south-1:DISABLED');
  });

  it('answers a member for its own account, and refuses its AccountId from the management account itself', async () => {
    const session = await assumeAudit(h.sim);
    expect((await allRegions(h.sim, {}, session)).flat()).toHaveLength(4);
    await expect(clients.account(h.sim).send(new ListRegionsCommand({ AccountId: MANAGEMENT }))).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      clients.account(h.sim, { credentials: session }).send(new ListRegionsCommand({ AccountId: LEGACY })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
  });

  it('throttles with 429 TooManyRequestsException', async () => {
    h.sim.faults.throttle({ service: 'Account', count: 1 });
    await expect(clients.account(h.sim).send(new ListRegionsCommand({}))).rejects.toMatchObject({
      name: 'TooManyRequestsException',
      $metadata: { httpStatusCode: 429 },
    });
  });
});

describe('simulated tagging GetResources', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFixture();
  });
  afterAll(async () => {
    await h.sim.close();
  });

  async function allPages(input: GetResourcesCommandInput, accountId = MEMBER) {
    const tagging = clients.tagging(h.sim, { credentials: await assumeAudit(h.sim, accountId) });
    const pages: Array<{ count: number; token: string | undefined }> = [];
    const arns: string[] = [];
    let PaginationToken: string | undefined;
    do {
      const page = await tagging.send(new GetResourcesCommand({ ...input, PaginationToken }));
      pages.push({ count: page.ResourceTagMappingList?.length ?? 0, token: page.PaginationToken });
      arns.push(...(page.ResourceTagMappingList ?? []).map((mapping) => mapping.ResourceARN as string));
      PaginationToken = page.PaginationToken || undefined;
    } while (PaginationToken);
    return { pages, arns };
  }

  it('returns at most 100 a page, omits never-tagged certificates and ends with an empty token', async () => {
    const { pages, arns } = await allPages({ ResourceTypeFilters: ['acm:certificate'] });

    const tagged = MEMBER_US_COUNT - MEMBER_US_COUNT / 10;
    expect(pages.map((page) => page.count)).toEqual([100, 100, tagged - 200]);
    expect(pages[2]?.token).toBe('');
    expect(new Set(arns).size).toBe(tagged);
  });

  it('honours ResourcesPerPage and tag filters', async () => {
    const { pages, arns } = await allPages({
      ResourceTypeFilters: ['acm:certificate'],
      ResourcesPerPage: 10,
      TagFilters: [{ Key: 'owner', Values: ['team-3'] }],
    });
    expect(arns.length).toBeGreaterThan(10);
    expect(pages.every((page) => page.count <= 10)).toBe(true);
  });

  it('answers AccessDeniedException where the tagging API is denied', async () => {
    const tagging = clients.tagging(h.sim, { credentials: await assumeAudit(h.sim, TAGGING_DENIED) });
    await expect(
      tagging.send(new GetResourcesCommand({ ResourceTypeFilters: ['acm:certificate'] })),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    h.sim.faults.denyTagging(MEMBER);
    await expect(allPages({})).rejects.toMatchObject({ name: 'AccessDeniedException' });
    h.sim.faults.allowTagging(MEMBER);
  });
});
