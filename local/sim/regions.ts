/** The regions the simulated organization knows. */

/** Commercial regions enabled by default in every account. */
export const DEFAULT_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'sa-east-1',
] as const;

/** Opt-in regions: disabled until an account enables them; calls into a disabled one fail with an invalid token. */
export const OPT_IN_REGIONS = ['af-south-1', 'ap-east-1', 'me-south-1', 'eu-south-1', 'ap-southeast-3'] as const;

export function isOptInRegion(region: string): boolean {
  return (OPT_IN_REGIONS as readonly string[]).includes(region);
}

/** CloudFront only uses certificates from this region. */
export const CLOUDFRONT_REGION = 'us-east-1';
