/**
 * Organizations (awsJson 1.1): ListAccounts with real paging quirks (empty pages), DescribeOrganization, and what
 * owner routing reads: ListTagsForResource (an account's tags) and ListParents (one step up the OU tree).
 */
import { OU_ID_PATTERN, ROOT_ID_PATTERN } from '../scenario';
import { AwsError, decodeToken, encodeToken } from '../wire';
import { type HandlerContext, type Input, intInput, type ServiceDefinition } from './context';

function invalidInput(message: string): AwsError {
  return new AwsError('InvalidInputException', message, 400, 'error', { Reason: 'INVALID_INPUT' });
}

function requireManagement(ctx: HandlerContext): void {
  if (ctx.caller.accountId !== ctx.org.managementAccountId) {
    throw new AwsError('AccessDeniedException', "You don't have permissions to access this resource.", 400);
  }
}

function accountArn(ctx: HandlerContext, accountId: string): string {
  return `arn:aws:organizations::${ctx.org.managementAccountId}:account/${ctx.org.organizationId}/${accountId}`;
}

/**
 * Pages of at most MaxResults (default 20). Every third page is empty but carries a NextToken, as
 * Organizations does: a caller that stops at the first empty page misses accounts.
 */
function listAccounts(input: Input, ctx: HandlerContext) {
  requireManagement(ctx);
  const size = intInput(input, 'MaxResults', { min: 1, max: 20 }, invalidInput) ?? 20;
  let offset = 0;
  let page = 0;
  if (input.NextToken !== undefined && input.NextToken !== null) {
    const state = decodeToken<{ o: number; p: number }>(
      input.NextToken,
      (s) => Number.isInteger(s.o) && Number.isInteger(s.p) && (s.o as number) >= 0,
    );
    if (!state) throw invalidInput('The parameter NextToken is not valid.');
    offset = state.o;
    page = state.p;
  }
  const accounts = ctx.org.accounts();
  if (page % 3 === 1 && offset < accounts.length) {
    return { Accounts: [], NextToken: encodeToken({ o: offset, p: page + 1 }) };
  }
  const slice = accounts.slice(offset, offset + size);
  const next = offset + size < accounts.length ? encodeToken({ o: offset + size, p: page + 1 }) : undefined;
  return {
    Accounts: slice.map((account) => ({
      Id: account.id,
      Arn: accountArn(ctx, account.id),
      Email: account.email,
      Name: account.name,
      State: account.state,
      Status: account.status,
      JoinedMethod: account.joinedMethod,
      JoinedTimestamp: account.joinedAt ? new Date(account.joinedAt) : undefined,
    })),
    NextToken: next,
  };
}

const ACCOUNT_ID_PATTERN = /^\d{12}$/;
const POLICY_ID_PATTERN = /^p-[0-9a-zA-Z_]{8,128}$/;

/** The id a request names, checked against Organizations' documented pattern before it is looked up. */
function idInput(input: Input, field: string, patterns: readonly RegExp[]): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') {
    throw invalidInput(
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  if (!patterns.some((pattern) => pattern.test(value))) {
    throw new AwsError(
      'InvalidInputException',
      `You provided a value that does not match the required pattern.`,
      400,
      'error',
      {
        Reason: 'INVALID_PATTERN',
      },
    );
  }
  return value;
}

/** Tags per page: Organizations takes no MaxResults here and may split the tags over pages; callers follow NextToken. */
const TAGS_PAGE = 10;

/**
 * ListTagsForResource: an account (12 digits), OU (ou-...), root (r-...) or policy (p-...). A well-formed id of
 * nothing is TargetNotFoundException. Only the management account (or a delegated administrator) may call it.
 */
function listTagsForResource(input: Input, ctx: HandlerContext) {
  requireManagement(ctx);
  const resourceId = idInput(input, 'ResourceId', [
    ACCOUNT_ID_PATTERN,
    OU_ID_PATTERN,
    ROOT_ID_PATTERN,
    POLICY_ID_PATTERN,
  ]);
  const tags = ctx.org.organizationTags(resourceId);
  if (tags === undefined) {
    throw new AwsError(
      'TargetNotFoundException',
      "We can't find a root, OU, account, or policy with the TargetId that you specified.",
      400,
    );
  }
  let offset = 0;
  if (input.NextToken !== undefined && input.NextToken !== null) {
    const state = decodeToken<{ o: number; r: string }>(
      input.NextToken,
      (s) => Number.isInteger(s.o) && (s.o as number) >= 0 && s.r === resourceId,
    );
    if (!state) throw invalidInput('The parameter NextToken is not valid.');
    offset = state.o;
  }
  const entries = Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const next = offset + TAGS_PAGE < entries.length ? encodeToken({ o: offset + TAGS_PAGE, r: resourceId }) : undefined;
  return {
    Tags: entries.slice(offset, offset + TAGS_PAGE).map(([Key, Value]) => ({ Key, Value })),
    NextToken: next,
  };
}

/**
 * ListParents: the one parent (Organizations allows a single one) of an account or OU, as `{Id, Type}` with Type
 * ROOT or ORGANIZATIONAL_UNIT. A root is not a child (InvalidInputException by pattern); an unknown well-formed id
 * is ChildNotFoundException. MaxResults is 1 to 20.
 */
function listParents(input: Input, ctx: HandlerContext) {
  requireManagement(ctx);
  intInput(input, 'MaxResults', { min: 1, max: 20 }, invalidInput);
  const childId = idInput(input, 'ChildId', [ACCOUNT_ID_PATTERN, OU_ID_PATTERN]);
  const parent = ctx.org.parentOf(childId);
  if (parent === undefined) {
    throw new AwsError(
      'ChildNotFoundException',
      "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
      400,
    );
  }
  return { Parents: [{ Id: parent.id, Type: parent.type }] };
}

function describeOrganization(_input: Input, ctx: HandlerContext) {
  const management = ctx.org.account(ctx.org.managementAccountId);
  return {
    Organization: {
      Id: ctx.org.organizationId,
      Arn: `arn:aws:organizations::${ctx.org.managementAccountId}:organization/${ctx.org.organizationId}`,
      FeatureSet: 'ALL',
      MasterAccountArn: accountArn(ctx, ctx.org.managementAccountId),
      MasterAccountId: ctx.org.managementAccountId,
      MasterAccountEmail: management?.email,
      AvailablePolicyTypes: [],
    },
  };
}

export const organizations: ServiceDefinition = {
  scope: 'organizations',
  name: 'Organizations',
  iamPrefix: 'organizations',
  protocol: 'awsJson1_1',
  targetPrefix: 'AWSOrganizationsV20161128',
  regional: false,
  throttle: {
    code: 'TooManyRequestsException',
    status: 400,
    message: 'AWS Organizations cannot complete your request because too many requests were made in a short time.',
  },
  operations: {
    ListAccounts: listAccounts,
    DescribeOrganization: describeOrganization,
    ListTagsForResource: listTagsForResource,
    ListParents: listParents,
  },
};
