import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { getCertificateTags, TaggingDeniedError, TaggingError } from '../../../lambdas/aws/tagging';

const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const client = new ResourceGroupsTaggingAPIClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});
const target = { accountId: '111111111111', region: 'eu-west-1' };

beforeEach(() => tagging.reset());

describe('getCertificateTags', () => {
  it('asks for ACM certificates 100 at a time and follows the pagination token to the end', async () => {
    tagging
      .on(GetResourcesCommand)
      .resolvesOnce({
        ResourceTagMappingList: [{ ResourceARN: 'arn:1', Tags: [{ Key: 'owner', Value: 'a' }] }],
        PaginationToken: 'p',
      })
      .resolvesOnce({ ResourceTagMappingList: [], PaginationToken: 'q' })
      .resolvesOnce({ ResourceTagMappingList: [{ ResourceARN: 'arn:2', Tags: [] }], PaginationToken: '' });

    const tags = await getCertificateTags(client, target);

    expect(tags).toEqual(
      new Map([
        ['arn:1', { owner: 'a' }],
        ['arn:2', {}],
      ]),
    );
    const inputs = tagging.commandCalls(GetResourcesCommand).map((call) => call.args[0].input);
    expect(inputs[0]).toMatchObject({ ResourceTypeFilters: ['acm:certificate'], ResourcesPerPage: 100 });
    expect(inputs.map((input) => input.PaginationToken)).toEqual([undefined, 'p', 'q']);
  });

  it('raises TaggingDeniedError when the tagging API is denied, so the scanner can fall back', async () => {
    tagging.on(GetResourcesCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));

    const error = await getCertificateTags(client, target).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TaggingDeniedError);
    expect(error).toMatchObject({ accountId: '111111111111', region: 'eu-west-1', code: 'AccessDeniedException' });
  });

  it('raises a plain TaggingError for other failures', async () => {
    tagging.on(GetResourcesCommand).rejects(Object.assign(new Error('slow'), { name: 'ThrottledException' }));

    const error = await getCertificateTags(client, target).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TaggingError);
    expect(error).not.toBeInstanceOf(TaggingDeniedError);
    expect(error).toMatchObject({ code: 'ThrottledException' });
  });
});
