/**
 * AWS partitions: every ARN the monitor builds and every console link it sends must name the partition the hub
 * runs in (`aws`, `aws-us-gov`, `aws-cn`). A role ARN with `arn:aws:` cannot be assumed in GovCloud or China, and a
 * console link to console.aws.amazon.com does not open there. One place decides both.
 */

const PARTITIONS = ['aws', 'aws-us-gov', 'aws-cn'] as const;
export type Partition = (typeof PARTITIONS)[number];

/** The partition a region belongs to; a region this code does not know is taken as the commercial one. */
export function partitionOfRegion(region: string): Partition {
  if (region.startsWith('cn-') || region === 'aws-cn-global') return 'aws-cn';
  if (region.startsWith('us-gov-') || region === 'aws-us-gov-global') return 'aws-us-gov';
  return 'aws';
}

/** The partition named by an ARN (`arn:<partition>:...`), e.g. the caller's from STS GetCallerIdentity. */
export function partitionOfArn(arn: string): Partition | undefined {
  const partition = /^arn:([a-z-]+):/.exec(arn)?.[1];
  return (PARTITIONS as readonly string[]).includes(partition ?? '') ? (partition as Partition) : undefined;
}

/** `arn:<partition>:iam::<account>:role/<name or path/name>`. */
export function iamRoleArn(partition: Partition | string, accountId: string, roleName: string): string {
  const path = roleName.includes('/') ? roleName.replace(/^\/+/, '') : roleName;
  return `arn:${partition}:iam::${accountId}:role/${path}`;
}

/**
 * The console's origin for a region: the commercial console has one host per region, GovCloud and China one host
 * for the partition (the region goes in the query string of every link).
 */
function consoleOrigin(region: string): string {
  switch (partitionOfRegion(region)) {
    case 'aws-us-gov':
      return 'https://console.amazonaws-us-gov.com';
    case 'aws-cn':
      return 'https://console.amazonaws.cn';
    default:
      return `https://${region}.console.aws.amazon.com`;
  }
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The S3 console page of one object, which a person opens with their own console login (Slack cannot open an
 * `s3://` URI). Undefined when the region or bucket does not look like one, so a malformed value never makes a link.
 */
export function s3ObjectConsoleUrl(bucket: string, key: string, region: string): string | undefined {
  if (!REGION.test(region) || !BUCKET.test(bucket) || key === '') return undefined;
  const query = new URLSearchParams({ region, prefix: key });
  return `${consoleOrigin(region)}/s3/object/${bucket}?${query.toString()}`;
}

/** The ACM console page of a certificate, or undefined when the ARN or region does not look like one. */
export function acmCertificateConsoleUrl(arn: string, region: string): string | undefined {
  const id = /:certificate\/([0-9A-Za-z-]{1,64})$/.exec(arn)?.[1];
  if (id === undefined || !REGION.test(region)) return undefined;
  return `${consoleOrigin(region)}/acm/home?region=${region}#/certificates/${id}`;
}
