/**
 * The bucket for each run's work list (the targets ListTargets found, read by the Distributed Map) and the
 * run's report, under `runs/<runId>/`. It holds nothing else, so grants on its objects are not broader than that.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeFinding } from '../nag';

export interface WorkBucketProps {
  /**
   * Days a work list and report are kept; long enough to look into last week's runs, short enough to stay small.
   * @default 30
   */
  readonly expireAfterDays?: number;
}

export class WorkBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: WorkBucketProps = {}) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      lifecycleRules: [
        {
          id: 'expire-runs',
          expiration: Duration.days(props.expireAfterDays ?? 30),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Every run writes its own objects; keeping an orphaned bucket after a delete is the safer failure.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeFinding(
      this.bucket,
      'AwsSolutions-S1',
      'No server access logs: the bucket only holds machine-written work lists and run reports that expire after ' +
        '30 days, written and read by roles of this stack only; a log bucket would cost more than the ' +
        'data it protects. CloudTrail data events can be enabled account-wide if object-level auditing is required.',
    );
  }
}
