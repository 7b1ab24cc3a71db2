import { describe, expect, it } from 'vitest';
import { likelyCoverageCause } from '../../../../lambdas/core/slack';

describe('likelyCoverageCause', () => {
  it('blames the audit role for a refused AssumeRole, even when its message mentions SCPs', () => {
    const message =
      'cannot assume arn:aws:iam::123456789012:role/CertAuditReadOnly (AccessDenied: not authorized to perform: sts:AssumeRole): the audit role is missing in this account, or a service control policy denies sts:AssumeRole';

    expect(likelyCoverageCause('AccessDenied', message)).toMatch(/^the audit role is missing in this account/);
  });

  it('blames an SCP for a refused ACM call that names one', () => {
    const message =
      'User is not authorized to perform: acm:ListCertificates with an explicit deny in a service control policy';

    expect(likelyCoverageCause('AccessDeniedException', message)).toMatch(/^an SCP denies the audit role/);
  });

  it("points at an undeclared action when the function's own session policy refused the call", () => {
    const message =
      'User: arn:aws:sts::1:assumed-role/R/s is not authorized to perform: acm:GetCertificate because no session policy allows the acm:GetCertificate action';

    expect(likelyCoverageCause('AccessDeniedException', message)).toMatch(/session policy does not name/);
  });
});
