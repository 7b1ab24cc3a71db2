/**
 * Fault injection: throttle storms, server errors, slow answers, denied roles and a denied tagging API.
 * Faults match calls by any of service, operation, caller account and region (unset fields match all).
 */
import type { SimService } from './counters';

export interface CallScope {
  service?: SimService;
  operation?: string;
  accountId?: string;
  region?: string;
}

export interface ServerFault {
  status: number;
  code: string;
  message: string;
}

interface CountedFault<T> {
  scope: CallScope;
  remaining: number;
  value: T;
}

export interface FaultDecision {
  throttle: boolean;
  fail?: ServerFault;
  extraLatencyMs: number;
}

export class Faults {
  private throttles: Array<CountedFault<true>> = [];
  private failures: Array<CountedFault<ServerFault>> = [];
  private slows: Array<CountedFault<number>> = [];
  private readonly deniedRoles = new Set<string>();
  private readonly deniedTagging = new Set<string>();

  /** The next `count` matching calls answer with the service's throttling error. */
  throttle(scope: CallScope & { count: number }): void {
    this.throttles.push({ scope: pickScope(scope), remaining: scope.count, value: true });
  }

  /** The next `count` matching calls answer 500 InternalFailure (or the status and code given). */
  fail(scope: CallScope & { count: number; status?: number; code?: string; message?: string }): void {
    this.failures.push({
      scope: pickScope(scope),
      remaining: scope.count,
      value: {
        status: scope.status ?? 500,
        code: scope.code ?? 'InternalFailure',
        message: scope.message ?? 'We encountered an internal error. Please try again.',
      },
    });
  }

  /** Matching calls take `ms` longer (the next `count` of them, or all until cleared). */
  slow(scope: CallScope & { ms: number; count?: number }): void {
    this.slows.push({ scope: pickScope(scope), remaining: scope.count ?? Number.POSITIVE_INFINITY, value: scope.ms });
  }

  /** AssumeRole into this account (this role, or every role) is denied. */
  denyRole(accountId: string, roleName?: string): void {
    this.deniedRoles.add(`${accountId}/${roleName ?? '*'}`);
  }

  allowRole(accountId: string, roleName?: string): void {
    this.deniedRoles.delete(`${accountId}/${roleName ?? '*'}`);
  }

  isRoleDenied(accountId: string, roleName: string): boolean {
    return this.deniedRoles.has(`${accountId}/*`) || this.deniedRoles.has(`${accountId}/${roleName}`);
  }

  /** GetResources in this account answers AccessDeniedException. */
  denyTagging(accountId: string): void {
    this.deniedTagging.add(accountId);
  }

  allowTagging(accountId: string): void {
    this.deniedTagging.delete(accountId);
  }

  isTaggingDenied(accountId: string): boolean {
    return this.deniedTagging.has(accountId);
  }

  clear(): void {
    this.throttles = [];
    this.failures = [];
    this.slows = [];
    this.deniedRoles.clear();
    this.deniedTagging.clear();
  }

  /** What applies to one call; consumes one use of each counted fault that matched. */
  decide(call: Required<CallScope>): FaultDecision {
    const failure = take(this.failures, call);
    const throttle = failure ? false : take(this.throttles, call) !== undefined;
    let extraLatencyMs = 0;
    for (const slow of this.slows) {
      if (slow.remaining > 0 && matches(slow.scope, call)) {
        extraLatencyMs += slow.value;
        slow.remaining--;
      }
    }
    this.slows = this.slows.filter((slow) => slow.remaining > 0);
    return { throttle, fail: failure, extraLatencyMs };
  }
}

function pickScope(scope: CallScope): CallScope {
  return { service: scope.service, operation: scope.operation, accountId: scope.accountId, region: scope.region };
}

function matches(scope: CallScope, call: Required<CallScope>): boolean {
  return (
    (scope.service === undefined || scope.service === call.service) &&
    (scope.operation === undefined || scope.operation === call.operation) &&
    (scope.accountId === undefined || scope.accountId === call.accountId) &&
    (scope.region === undefined || scope.region === call.region)
  );
}

function take<T>(faults: Array<CountedFault<T>>, call: Required<CallScope>): T | undefined {
  const index = faults.findIndex((fault) => fault.remaining > 0 && matches(fault.scope, call));
  if (index < 0) return undefined;
  const fault = faults[index] as CountedFault<T>;
  fault.remaining--;
  if (fault.remaining <= 0) faults.splice(index, 1);
  return fault.value;
}
