/**
 * Tags of every ACM certificate of one account-region in bulk: GetResources returns up to 100 certificates a call,
 * where ListTagsForCertificate needs one call per certificate. Certificates never tagged are absent from the answer,
 * which means "no tags".
 */
import {
  GetResourcesCommand,
  type GetResourcesCommandOutput,
  type ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import type { Target } from '../core/model';
import {
  AwsAdapterError,
  awsErrorCode,
  awsErrorMessage,
  isAccessDenied,
  isInvalidToken,
  LIKELY_CAUSES,
} from './errors';

/** What the audit role must allow for this adapter. */
export const TAGGING_ACTIONS = ['tag:GetResources'] as const;

export const TAGGING_PAGE_SIZE = 100;

export class TaggingError extends AwsAdapterError {
  constructor(target: Target, error: unknown, likelyCause?: string) {
    const code = awsErrorCode(error);
    super(`Tagging.GetResources failed in ${target.accountId}/${target.region} (${code}: ${awsErrorMessage(error)})`, {
      accountId: target.accountId,
      region: target.region,
      code,
      operation: 'Tagging.GetResources',
      ...(likelyCause ? { likelyCause } : {}),
      cause: error,
    });
  }
}

/** The tagging API is denied (older audit roles, or an SCP): the scanner falls back to ListTagsForCertificate. */
export class TaggingDeniedError extends TaggingError {
  constructor(target: Target, error: unknown) {
    super(target, error, LIKELY_CAUSES.accessDenied('tag:GetResources'));
  }
}

/** Tags by certificate ARN, all pages. A certificate absent from the map has no tags. */
export async function getCertificateTags(
  client: ResourceGroupsTaggingAPIClient,
  target: Target,
): Promise<Map<string, Record<string, string>>> {
  const tagsByArn = new Map<string, Record<string, string>>();
  let token: string | undefined;
  do {
    let page: GetResourcesCommandOutput;
    try {
      page = await client.send(
        new GetResourcesCommand({
          ResourceTypeFilters: ['acm:certificate'],
          ResourcesPerPage: TAGGING_PAGE_SIZE,
          ...(token ? { PaginationToken: token } : {}),
        }),
      );
    } catch (error) {
      const code = awsErrorCode(error);
      if (isAccessDenied(code)) throw new TaggingDeniedError(target, error);
      throw new TaggingError(target, error, isInvalidToken(code) ? LIKELY_CAUSES.invalidToken : undefined);
    }
    for (const mapping of page.ResourceTagMappingList ?? []) {
      if (!mapping.ResourceARN) continue;
      const tags: Record<string, string> = {};
      for (const tag of mapping.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
      tagsByArn.set(mapping.ResourceARN, tags);
    }
    token = page.PaginationToken || undefined;
  } while (token);
  return tagsByArn;
}
