/** Account Management (restJson): ListRegions, paged, with the opt-status filter and the AccountId rules. */
import { AwsError, decodeToken, encodeToken } from '../wire';
import { type HandlerContext, type Input, intInput, type ServiceDefinition, stringList } from './context';

const OPT_STATUSES = ['ENABLED', 'ENABLING', 'DISABLING', 'DISABLED', 'ENABLED_BY_DEFAULT'];

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message, 400);
}

function targetAccount(input: Input, ctx: HandlerContext): string {
  const requested = input.AccountId;
  if (requested === undefined || requested === null) return ctx.caller.accountId;
  if (typeof requested !== 'string' || !/^\d{12}$/.test(requested)) throw validation('AccountId must be 12 digits');
  const { managementAccountId } = ctx.org;
  if (ctx.caller.accountId !== managementAccountId) {
    throw new AwsError(
      'AccessDeniedException',
      `User: ${ctx.caller.arn} is not authorized to perform: account:ListRegions on resource: ${requested}`,
      403,
    );
  }
  if (requested === managementAccountId) {
    throw validation(
      "The management account can't specify its own AccountId; call the operation without the AccountId parameter.",
    );
  }
  if (!ctx.org.account(requested)) {
    throw new AwsError('AccessDeniedException', `Account ${requested} is not a member of the organization.`, 403);
  }
  return requested;
}

function listRegions(input: Input, ctx: HandlerContext) {
  const accountId = targetAccount(input, ctx);
  const size = intInput(input, 'MaxResults', { min: 1, max: 50 }, validation) ?? 20;
  const filter = stringList(input, 'RegionOptStatusContains');
  if (filter?.some((status) => !OPT_STATUSES.includes(status))) {
    throw validation(`RegionOptStatusContains must be among ${OPT_STATUSES.join(', ')}`);
  }
  let offset = 0;
  if (input.NextToken !== undefined && input.NextToken !== null) {
    const state = decodeToken<{ o: number }>(input.NextToken, (s) => Number.isInteger(s.o) && (s.o as number) >= 0);
    if (!state) throw validation('The NextToken is not valid.');
    offset = state.o;
  }
  const account = ctx.org.account(accountId);
  const regions = [
    ...(account?.enabledRegions ?? []).map((region) => ({
      RegionName: region.name,
      RegionOptStatus: region.optStatus,
    })),
    ...(account?.disabledRegions ?? []).map((name) => ({ RegionName: name, RegionOptStatus: 'DISABLED' })),
  ]
    .filter((region) => !filter || filter.includes(region.RegionOptStatus))
    .sort((a, b) => a.RegionName.localeCompare(b.RegionName));
  return {
    Regions: regions.slice(offset, offset + size),
    NextToken: offset + size < regions.length ? encodeToken({ o: offset + size }) : undefined,
  };
}

export const account: ServiceDefinition = {
  scope: 'account',
  name: 'Account',
  iamPrefix: 'account',
  protocol: 'restJson1',
  routes: { 'POST /listRegions': 'ListRegions' },
  regional: false,
  throttle: { code: 'TooManyRequestsException', status: 429, message: 'Rate exceeded' },
  operations: { ListRegions: listRegions },
};
