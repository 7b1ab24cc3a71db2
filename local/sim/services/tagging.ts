/**
 * Resource Groups Tagging API (awsJson 1.1): GetResources for ACM certificates. Certificates never tagged are
 * absent; the last page carries PaginationToken '' (empty, not absent).
 */
import { AwsError, decodeToken, encodeToken } from '../wire';
import { type HandlerContext, type Input, intInput, type ServiceDefinition, stringList } from './context';

function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameterException', message, 400);
}

const ACM_TYPES = ['acm', 'acm:certificate'];

function getResources(input: Input, ctx: HandlerContext) {
  const { accountId } = ctx.caller;
  if (ctx.org.account(accountId)?.taggingApiDenied || ctx.faults.isTaggingDenied(accountId)) {
    throw new AwsError(
      'AccessDeniedException',
      `User: ${ctx.caller.arn} is not authorized to perform: tag:GetResources with an explicit deny in a service control policy`,
      400,
    );
  }
  const size = intInput(input, 'ResourcesPerPage', { min: 1, max: 100 }, invalidParameter) ?? 100;
  const types = stringList(input, 'ResourceTypeFilters');
  const arns = stringList(input, 'ResourceARNList');
  if (arns && types) invalidParameterBoth();
  const tagFilters = (input.TagFilters ?? []) as Array<{ Key?: string; Values?: string[] }>;
  if (!Array.isArray(tagFilters)) throw invalidParameter('TagFilters must be a list');
  let after = -1;
  const token = input.PaginationToken;
  if (token !== undefined && token !== null && token !== '') {
    const state = decodeToken<{ s: number }>(token, (s) => Number.isInteger(s.s));
    if (!state) throw invalidParameter('The specified PaginationToken is not valid.');
    after = state.s;
  }
  const wantsCertificates = !types || types.some((type) => ACM_TYPES.includes(type));
  const matching = wantsCertificates
    ? ctx.org.certificatesIn(accountId, ctx.region).filter((record) => {
        const tags = record.certificate.tags;
        if (tags === undefined) return false;
        if (arns && !arns.includes(record.certificate.arn)) return false;
        return tagFilters.every(
          (filter) =>
            filter.Key !== undefined &&
            filter.Key in tags &&
            (!filter.Values || filter.Values.length === 0 || filter.Values.includes(tags[filter.Key] as string)),
        );
      })
    : [];
  const remaining = matching.filter((record) => record.seq > after);
  const page = remaining.slice(0, size);
  const last = page[page.length - 1];
  return {
    PaginationToken: remaining.length > size && last ? encodeToken({ s: last.seq }) : '',
    ResourceTagMappingList: page.map((record) => ({
      ResourceARN: record.certificate.arn,
      Tags: Object.entries(record.certificate.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
    })),
  };
}

function invalidParameterBoth(): never {
  throw invalidParameter('ResourceARNList and ResourceTypeFilters cannot be used together.');
}

export const tagging: ServiceDefinition = {
  scope: 'tagging',
  name: 'Tagging',
  iamPrefix: 'tag',
  protocol: 'awsJson1_1',
  targetPrefix: 'ResourceGroupsTaggingAPI_20170126',
  regional: true,
  throttle: { code: 'ThrottledException', status: 400, message: 'Rate exceeded' },
  operations: { GetResources: getResources },
};
