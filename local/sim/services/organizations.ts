/** Organizations (awsJson 1.1): ListAccounts with real paging quirks (empty pages), DescribeOrganization. */
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
  operations: { ListAccounts: listAccounts, DescribeOrganization: describeOrganization },
};
