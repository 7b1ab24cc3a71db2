/**
 * IAM actions the audit role in each member account must allow: exactly what the scanner calls there.
 * The StackSet template is built from this list, so the role and the code cannot drift.
 */
export const AUDIT_ROLE_ACTIONS = [
  'acm:ListCertificates',
  'acm:DescribeCertificate',
  'acm:ListTagsForCertificate',
  'tag:GetResources',
  'account:ListRegions',
] as const;
