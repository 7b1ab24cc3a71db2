/**
 * The hub's own resources the pipeline reads and writes besides the organization: S3 buckets (work lists, reports)
 * and Secrets Manager secrets (the Slack webhooks). Kept per account (and per region for secrets), as AWS does;
 * tests and the demo read and seed them directly as well as over the wire.
 */
import { createHash } from 'node:crypto';
import { AwsError } from './wire';

export interface StoredObject {
  body: string;
  contentType: string;
  etag: string;
  lastModified: Date;
}

interface Bucket {
  owner: string;
  region: string;
  objects: Map<string, StoredObject>;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export class SimBuckets {
  private readonly buckets = new Map<string, Bucket>();

  /** Creates the bucket; creating one the same account already owns changes nothing (as in us-east-1). */
  create(accountId: string, name: string, region: string): void {
    if (!BUCKET_NAME.test(name))
      throw new AwsError('InvalidBucketName', 'The specified bucket is not valid.', 400, 'error', { BucketName: name });
    const existing = this.buckets.get(name);
    if (existing && existing.owner !== accountId) {
      throw new AwsError(
        'BucketAlreadyExists',
        'The requested bucket name is not available. The bucket namespace is shared by all users of the system.',
        409,
        'error',
        { BucketName: name },
      );
    }
    if (!existing) this.buckets.set(name, { owner: accountId, region, objects: new Map() });
  }

  put(accountId: string, bucket: string, key: string, body: string, contentType: string, now: Date): StoredObject {
    const object: StoredObject = {
      body,
      contentType,
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      lastModified: now,
    };
    this.owned(accountId, bucket).objects.set(key, object);
    return object;
  }

  get(accountId: string, bucket: string, key: string): StoredObject {
    const object = this.owned(accountId, bucket).objects.get(key);
    if (!object) throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404, 'error', { Key: key });
    return object;
  }

  /** Keys of a bucket (with a prefix), sorted; for tests and the demo. */
  keys(bucket: string, prefix = ''): string[] {
    return [...(this.buckets.get(bucket)?.objects.keys() ?? [])].filter((key) => key.startsWith(prefix)).sort();
  }

  /** An object's body whoever owns it, or undefined; for tests and the demo. */
  text(bucket: string, key: string): string | undefined {
    return this.buckets.get(bucket)?.objects.get(key)?.body;
  }

  private owned(accountId: string, name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket)
      throw new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404, 'error', { BucketName: name });
    if (bucket.owner !== accountId) throw new AwsError('AccessDenied', 'Access Denied', 403);
    return bucket;
  }
}

export interface StoredSecret {
  arn: string;
  name: string;
  value?: string;
  versionId?: string;
  createdDate: Date;
}

const SECRET_NAME = /^[\w/+=.@-]{1,512}$/;

function notFound(): AwsError {
  return new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.", 400);
}

export class SimSecrets {
  private readonly secrets = new Map<string, StoredSecret>();
  private versions = 0;

  create(accountId: string, region: string, name: string, value: string | undefined, now: Date): StoredSecret {
    if (!SECRET_NAME.test(name))
      throw new AwsError(
        'ValidationException',
        'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
        400,
      );
    if (this.find(accountId, region, name)) {
      throw new AwsError(
        'ResourceExistsException',
        `The operation failed because the secret ${name} already exists.`,
        400,
      );
    }
    // Secrets Manager appends six random characters; a hash of the name keeps runs reproducible.
    const suffix = createHash('sha256').update(`${accountId}/${region}/${name}`).digest('base64url').slice(0, 6);
    const secret: StoredSecret = {
      arn: `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-${suffix}`,
      name,
      createdDate: now,
    };
    this.secrets.set(secret.arn, secret);
    if (value !== undefined) this.setValue(secret, value);
    return secret;
  }

  put(accountId: string, region: string, secretId: string, value: string): StoredSecret {
    const secret = this.find(accountId, region, secretId);
    if (!secret) throw notFound();
    this.setValue(secret, value);
    return secret;
  }

  get(accountId: string, region: string, secretId: string): StoredSecret & { value: string; versionId: string } {
    const secret = this.find(accountId, region, secretId);
    if (!secret) throw notFound();
    if (secret.value === undefined || secret.versionId === undefined) {
      throw new AwsError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
        400,
      );
    }
    return secret as StoredSecret & { value: string; versionId: string };
  }

  /** By name, full ARN, or ARN without the random suffix, in the caller's account and region. */
  private find(accountId: string, region: string, secretId: string): StoredSecret | undefined {
    for (const secret of this.secrets.values()) {
      if (!secret.arn.startsWith(`arn:aws:secretsmanager:${region}:${accountId}:secret:`)) continue;
      const partialArn = secret.arn.slice(0, -7);
      if (secretId === secret.name || secretId === secret.arn || secretId === partialArn) return secret;
    }
    return undefined;
  }

  private setValue(secret: StoredSecret, value: string): void {
    this.versions++;
    secret.value = value;
    secret.versionId = `00000000-0000-4000-8000-${this.versions.toString(16).padStart(12, '0')}`;
  }
}
