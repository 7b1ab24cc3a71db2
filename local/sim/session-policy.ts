/**
 * Session policies as STS and IAM treat them (from the IAM User Guide, "Session policies" and "Policy evaluation
 * logic"): a session assumed with `Policy` may do only what both the role and that policy allow, so an action the
 * session policy does not allow is denied even when the role grants it, and an explicit Deny wins.
 *
 * Where the simulator knowingly differs from IAM: it evaluates Action and NotAction (with `*` and `?` wildcards,
 * case-insensitive) and Effect only. It does not know the resource ARN of a call, so Resource is read as "*"; and
 * it cannot evaluate conditions, so an Allow statement with a Condition allows nothing and a Deny statement with a
 * Condition denies everything it names (both err on the side of refusing). The role's own policies are not
 * modelled: the simulated audit role may call every simulated read operation. An operation's action is
 * `prefix:Operation`, which holds for the services the audit role reaches (S3's actions are named differently).
 */
import { AwsError } from './wire';

/** The most plaintext characters AssumeRole accepts in `Policy`. */
export const SESSION_POLICY_MAX_CHARS = 2048;

interface Statement {
  effect: 'Allow' | 'Deny';
  actions?: string[];
  notActions?: string[];
  conditional: boolean;
}

export interface SessionPolicy {
  /** The document as given, for diagnostics. */
  text: string;
  statements: Statement[];
}

function malformed(message: string): AwsError {
  return new AwsError('MalformedPolicyDocument', message, 400);
}

function stringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((item) => typeof item !== 'string')) {
    throw malformed(`${field} must be a string or a non-empty list of strings`);
  }
  return list as string[];
}

/** Parses AssumeRole's `Policy`; throws STS's own errors for a document it would refuse. */
export function parseSessionPolicy(text: string): SessionPolicy {
  if (text.length > SESSION_POLICY_MAX_CHARS) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value at 'policy' failed to satisfy constraint: Member must have length less than or equal to ${SESSION_POLICY_MAX_CHARS}`,
      400,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw malformed('Syntax errors in policy.');
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) throw malformed('Syntax errors in policy.');
  const raw = (document as { Statement?: unknown }).Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (list.length === 0) throw malformed('Policy document must contain at least one Statement.');
  const statements = list.map((item): Statement => {
    if (!item || typeof item !== 'object') throw malformed('Each Statement must be an object.');
    const s = item as Record<string, unknown>;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw malformed('Effect must be Allow or Deny.');
    const actions = stringList(s.Action, 'Action');
    const notActions = stringList(s.NotAction, 'NotAction');
    if ((actions === undefined) === (notActions === undefined)) {
      throw malformed('Each Statement must have exactly one of Action or NotAction.');
    }
    return {
      effect: s.Effect,
      ...(actions ? { actions } : {}),
      ...(notActions ? { notActions } : {}),
      conditional: s.Condition !== undefined,
    };
  });
  return { text, statements };
}

function wildcard(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function names(statement: Statement, action: string): boolean {
  if (statement.actions) return statement.actions.some((pattern) => wildcard(pattern).test(action));
  return !(statement.notActions ?? []).some((pattern) => wildcard(pattern).test(action));
}

/** Whether the session policy lets `action` (`service:Operation`) through: allowed by a statement, denied by none. */
export function sessionPolicyAllows(policy: SessionPolicy, action: string): boolean {
  const named = policy.statements.filter((statement) => names(statement, action));
  if (named.some((statement) => statement.effect === 'Deny')) return false;
  return named.some((statement) => statement.effect === 'Allow' && !statement.conditional);
}
