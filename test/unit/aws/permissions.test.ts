import { describe, expect, it } from 'vitest';
import { ACM_ACTIONS } from '../../../lambdas/aws/acm';
import { AUDIT_ROLE_ACTIONS } from '../../../lambdas/aws/permissions';
import { ACCOUNT_ACTIONS } from '../../../lambdas/aws/regions';
import { TAGGING_ACTIONS } from '../../../lambdas/aws/tagging';

describe('AUDIT_ROLE_ACTIONS', () => {
  it('is exactly what the member-account adapters declare, read-only, without duplicates', () => {
    const declared = [...ACM_ACTIONS, ...TAGGING_ACTIONS, ...ACCOUNT_ACTIONS];

    expect([...AUDIT_ROLE_ACTIONS].sort()).toEqual([...new Set(declared)].sort());
    for (const action of AUDIT_ROLE_ACTIONS) expect(action).toMatch(/^[a-z]+:(List|Describe|Get)[A-Za-z]+$/);
  });
});
