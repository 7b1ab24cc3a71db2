import { describe, expect, it } from 'vitest';
import { iamRoleArn, partitionOfArn, partitionOfRegion, s3ObjectConsoleUrl } from '../../../lambdas/core/partition';

describe('partitionOfRegion', () => {
  it('names the partition of commercial, GovCloud and China regions', () => {
    expect(partitionOfRegion('eu-west-1')).toBe('aws');
    expect(partitionOfRegion('us-gov-east-1')).toBe('aws-us-gov');
    expect(partitionOfRegion('cn-north-1')).toBe('aws-cn');
    expect(partitionOfRegion('aws-global')).toBe('aws');
  });
});

describe('partitionOfArn', () => {
  it('reads the partition of a caller identity, and nothing from a value that is not an ARN', () => {
    expect(partitionOfArn('arn:aws-us-gov:sts::123456789012:assumed-role/hub/session')).toBe('aws-us-gov');
    expect(partitionOfArn('arn:aws-cn:iam::123456789012:user/me')).toBe('aws-cn');
    expect(partitionOfArn('not an arn')).toBeUndefined();
  });
});

describe('iamRoleArn', () => {
  it('builds the role ARN in the partition given, keeping a role path', () => {
    expect(iamRoleArn('aws-cn', '123456789012', '/audit/Cert')).toBe('arn:aws-cn:iam::123456789012:role/audit/Cert');
  });
});

describe('s3ObjectConsoleUrl', () => {
  it('links to the S3 console object page in the region and partition of the bucket', () => {
    expect(s3ObjectConsoleUrl('hub-bucket', 'runs/day-1/report.html', 'eu-west-1')).toBe(
      'https://eu-west-1.console.aws.amazon.com/s3/object/hub-bucket?region=eu-west-1&prefix=runs%2Fday-1%2Freport.html',
    );
    expect(s3ObjectConsoleUrl('hub-bucket', 'runs/r/report.html', 'us-gov-west-1')).toMatch(
      /^https:\/\/console\.amazonaws-us-gov\.com\/s3\/object\/hub-bucket\?region=us-gov-west-1&/,
    );
    expect(s3ObjectConsoleUrl('hub-bucket', 'runs/r/report.html', 'cn-north-1')).toMatch(
      /^https:\/\/console\.amazonaws\.cn\/s3\/object\/hub-bucket\?region=cn-north-1&/,
    );
  });

  it('makes no link from a bucket or region that could break out of it', () => {
    expect(s3ObjectConsoleUrl('bucket|<!channel>', 'runs/r/report.html', 'eu-west-1')).toBeUndefined();
    expect(s3ObjectConsoleUrl('hub-bucket', 'runs/r/report.html', 'eu-west-1>')).toBeUndefined();
  });
});
