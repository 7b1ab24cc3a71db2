import {
  ListParentsCommand,
  ListTagsForResourceCommand,
  paginateListTagsForResource,
} from '@aws-sdk/client-organizations';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAccountTags, OrganizationsError, OuAncestry } from '../../../lambdas/aws/organizations';
import { startRun } from '../../../lambdas/pipeline/start-run';
import { getWorkList } from '../../../lambdas/pipeline/work-bucket';
import { readAccountRouting } from '../../../lambdas/scan/account-routing';
import { parseScenario, type ScenarioInput, type Simulator, startSimulator } from '../../../local/sim';
import { fixtureScenario, LEGACY, MANAGEMENT, MEMBER, TAGGING_DENIED } from '../../unit/sim/fixture';
import { assumeAudit, clients } from './harness';

const ROOT = 'r-ab12';
const WORKLOADS = 'ou-ab12-11111111';
const WEB = 'ou-ab12-22222222';
const MANY_TAGS = Object.fromEntries(Array.from({ length: 23 }, (_, i) => [`k${String(i).padStart(2, '0')}`, `v${i}`]));

function routingScenario(): ScenarioInput {
  const scenario = fixtureScenario();
  return {
    ...scenario,
    rootId: ROOT,
    organizationalUnits: [
      { id: WORKLOADS, name: 'Workloads' },
      { id: WEB, name: 'Web', parentId: WORKLOADS },
    ],
    accounts: scenario.accounts.map((account) => {
      if (account.id === MEMBER) return { ...account, parentId: WEB, tags: { team: 'web', ...MANY_TAGS } };
      if (account.id === TAGGING_DENIED) return { ...account, parentId: WORKLOADS, tags: { team: 'payments' } };
      return account;
    }),
  };
}

describe('simulated Organizations for owner routing', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: parseScenario(routingScenario()) });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('ListParents names the one parent of an account and of an OU, up to the root', async () => {
    const organizations = clients.organizations(sim);
    const account = await organizations.send(new ListParentsCommand({ ChildId: MEMBER }));
    const ou = await organizations.send(new ListParentsCommand({ ChildId: WEB }));
    const top = await organizations.send(new ListParentsCommand({ ChildId: WORKLOADS }));
    const atRoot = await organizations.send(new ListParentsCommand({ ChildId: LEGACY }));

    expect(account.Parents).toEqual([{ Id: WEB, Type: 'ORGANIZATIONAL_UNIT' }]);
    expect(ou.Parents).toEqual([{ Id: WORKLOADS, Type: 'ORGANIZATIONAL_UNIT' }]);
    expect(top.Parents).toEqual([{ Id: ROOT, Type: 'ROOT' }]);
    expect(atRoot.Parents).toEqual([{ Id: ROOT, Type: 'ROOT' }]);
  });

  it('ListParents refuses a root or a malformed id (InvalidInputException) and an unknown child (ChildNotFoundException)', async () => {
    const organizations = clients.organizations(sim);
    await expect(organizations.send(new ListParentsCommand({ ChildId: ROOT }))).rejects.toMatchObject({
      name: 'InvalidInputException',
    });
    await expect(organizations.send(new ListParentsCommand({ ChildId: '999999999999' }))).rejects.toMatchObject({
      name: 'ChildNotFoundException',
    });
    await expect(organizations.send(new ListParentsCommand({ ChildId: MEMBER, MaxResults: 21 }))).rejects.toMatchObject(
      { name: 'InvalidInputException' },
    );
  });

  it('ListTagsForResource pages an account’s tags; following NextToken yields each tag once', async () => {
    const pages: number[] = [];
    const tags: Record<string, string> = {};
    for await (const page of paginateListTagsForResource(
      { client: clients.organizations(sim) },
      { ResourceId: MEMBER },
    )) {
      pages.push(page.Tags?.length ?? 0);
      for (const tag of page.Tags ?? []) tags[tag.Key as string] = tag.Value as string;
    }
    expect(pages).toEqual([10, 10, 4]);
    expect(tags).toEqual({ team: 'web', ...MANY_TAGS });
  });

  it('ListTagsForResource answers an account without tags with none, and an unknown one TargetNotFoundException', async () => {
    const organizations = clients.organizations(sim);
    await expect(organizations.send(new ListTagsForResourceCommand({ ResourceId: LEGACY }))).resolves.toMatchObject({
      Tags: [],
    });
    await expect(
      organizations.send(new ListTagsForResourceCommand({ ResourceId: '999999999999' })),
    ).rejects.toMatchObject({ name: 'TargetNotFoundException' });
  });

  it('answers both only to the management account (AccessDeniedException to a member)', async () => {
    const member = clients.organizations(sim, { credentials: await assumeAudit(sim) });
    await expect(member.send(new ListParentsCommand({ ChildId: MEMBER }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    await expect(member.send(new ListTagsForResourceCommand({ ResourceId: MEMBER }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('throttles with TooManyRequestsException, which the SDK retries', async () => {
    sim.faults.throttle({ service: 'Organizations', operation: 'ListParents', count: 1 });
    const organizations = clients.organizations(sim, { maxAttempts: 3 });
    const answer = await organizations.send(new ListParentsCommand({ ChildId: MEMBER }));
    expect(answer.Parents?.[0]?.Id).toBe(WEB);
    expect(sim.counters.total({ operation: 'ListParents', outcome: 'throttled' })).toBe(1);
  });
});

describe('the Organizations routing adapter', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: parseScenario(routingScenario()) });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('reads every page of an account’s tags', async () => {
    await expect(listAccountTags(clients.organizations(sim), MEMBER)).resolves.toEqual({ team: 'web', ...MANY_TAGS });
  });

  it('walks an account up to the root, asking each OU’s parent once per run', async () => {
    const ancestry = new OuAncestry(clients.organizations(sim));
    const before = sim.counters.total({ operation: 'ListParents' });

    const member = await ancestry.pathOf(MEMBER);
    const denied = await ancestry.pathOf(TAGGING_DENIED);
    const legacy = await ancestry.pathOf(LEGACY);

    expect(member).toEqual([WEB, WORKLOADS]);
    expect(denied).toEqual([WORKLOADS]);
    expect(legacy).toEqual([]);
    // MEMBER, WEB, WORKLOADS; TAGGING_DENIED (WORKLOADS cached); LEGACY.
    expect(sim.counters.total({ operation: 'ListParents' }) - before).toBe(5);
  });

  it('reads the tags and OUs of a run’s accounts; an unknown account costs only its own routing', async () => {
    const routing = await readAccountRouting(clients.organizations(sim), [MEMBER, '999999999999'], {
      accountTags: true,
      ous: true,
    });
    expect(routing.get(MEMBER)).toMatchObject({ tags: { team: 'web' }, ouPath: [WEB, WORKLOADS] });
    expect(routing.get('999999999999')).toEqual({
      accountId: '999999999999',
      tagsError:
        'account tags unreadable (TargetNotFoundException): the account left the organization while it was being read',
      ouError:
        'the OUs above the account unreadable (ChildNotFoundException): the account left the organization while it was being read',
    });
  });

  it('asks once when the caller may not read Organizations, and says so for every account', async () => {
    const denied = clients.organizations(sim, { credentials: await assumeAudit(sim) });
    const before = sim.counters.total({ operation: 'ListTagsForResource' });
    const routing = await readAccountRouting(denied, [MEMBER, LEGACY, MANAGEMENT, TAGGING_DENIED, '666666666666'], {
      accountTags: true,
      ous: false,
    });
    expect(
      [...routing.values()].every((r) => r.tagsError?.startsWith('account tags unreadable (AccessDeniedException)')),
    ).toBe(true);
    // The four readers started at once may each be refused before the first refusal is known; never one per account.
    expect(sim.counters.total({ operation: 'ListTagsForResource' }) - before).toBeLessThanOrEqual(4);
  });

  it('wraps a failure in OrganizationsError naming the account and the operation', async () => {
    await expect(listAccountTags(clients.organizations(sim), '999999999999')).rejects.toSatisfy(
      (error: unknown) =>
        error instanceof OrganizationsError &&
        error.operation === 'Organizations.ListTagsForResource' &&
        error.accountId === '999999999999',
    );
  });
});

describe('ListTargets with owner routing', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: parseScenario(routingScenario()) });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('writes each account’s tags and OUs into the work list, which its children read as plain work items', async () => {
    const s3 = new S3Client({ endpoint: sim.url, region: 'us-east-1', credentials: sim.credentials, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: 'work-list' }));
    const organizations = clients.organizations(sim);

    const started = await startRun(
      { s3, store: { recordRunStarted: async () => {} }, organizations: () => ({ client: organizations, close() {} }) },
      {
        runId: 'run-1',
        startedAt: '2026-12-01T06:00:00.000Z',
        bucket: 'work-list',
        accounts: 'organization',
        exclude: [],
        routing: { accountTags: true, ous: true },
      },
    );
    const workList = await getWorkList(s3, 'work-list', started.listing.key);

    const member = workList.find((item) => item.accountId === MEMBER);
    expect(member?.routing).toEqual({ tags: { team: 'web', ...MANY_TAGS }, ouPath: [WEB, WORKLOADS] });
    expect(workList.find((item) => item.accountId === LEGACY)?.routing).toEqual({ tags: {}, ouPath: [] });
  });

  it('reads nothing more from Organizations when no rule needs it', async () => {
    const s3 = new S3Client({ endpoint: sim.url, region: 'us-east-1', credentials: sim.credentials, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: 'work-list-plain' }));
    const before =
      sim.counters.total({ operation: 'ListParents' }) + sim.counters.total({ operation: 'ListTagsForResource' });

    const started = await startRun(
      {
        s3,
        store: { recordRunStarted: async () => {} },
        organizations: () => ({ client: clients.organizations(sim), close() {} }),
      },
      {
        runId: 'run-2',
        startedAt: '2026-12-01T06:00:00.000Z',
        bucket: 'work-list-plain',
        accounts: 'organization',
        exclude: [],
      },
    );

    expect(started.accounts.every((item) => item.routing === undefined)).toBe(true);
    expect(
      sim.counters.total({ operation: 'ListParents' }) + sim.counters.total({ operation: 'ListTagsForResource' }),
    ).toBe(before);
  });
});
