/**
 * AWS commercial region names, for validating user input (a typo in --regions should be caught before any call).
 * Regions launched after this list was written are accepted when they match the name pattern and the user
 * passes --allow-unknown-regions; see isKnownRegion.
 */
export const AWS_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
] as const;

const REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

export function isKnownRegion(name: string): boolean {
  return (AWS_REGIONS as readonly string[]).includes(name);
}

export function looksLikeRegion(name: string): boolean {
  return REGION_PATTERN.test(name);
}
