/**
 * The work bucket: each run's work list (what the Distributed Map reads), the Map's child results (its ResultWriter,
 * under MAP_RESULTS_PREFIX) and the run's report, under `runs/<runId>/`.
 * Failures name the bucket, key and AWS error code, never a body.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { awsErrorCode, awsErrorMessage } from '../aws/errors';
import { type WorkListItem, WorkListSchema } from './contracts';

function runPrefix(runId: string): string {
  return `runs/${runId}/`;
}

/** Where the Distributed Map writes its children's results (Step Functions adds the Map Run's id below it). */
export const MAP_RESULTS_PREFIX = 'map-results';

export function workListKey(runId: string): string {
  return `${runPrefix(runId)}targets.json`;
}

export function reportKeys(runId: string): { html: string; json: string } {
  return { html: `${runPrefix(runId)}report.html`, json: `${runPrefix(runId)}report.json` };
}

export class WorkBucketError extends Error {
  override readonly name = 'WorkBucketError';

  constructor(
    readonly operation: 'GetObject' | 'PutObject',
    readonly bucket: string,
    readonly key: string,
    readonly code: string,
    detail: string,
  ) {
    super(`S3 ${operation} s3://${bucket}/${key} failed (${code}): ${detail}`);
  }
}

export async function putText(
  s3: S3Client,
  bucket: string,
  key: string,
  body: string,
  contentType: string,
): Promise<void> {
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
  } catch (error) {
    throw new WorkBucketError('PutObject', bucket, key, awsErrorCode(error), awsErrorMessage(error));
  }
}

export async function getText(s3: S3Client, bucket: string, key: string): Promise<string> {
  try {
    const output = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!output.Body) throw new Error('the object has no body');
    return await output.Body.transformToString('utf-8');
  } catch (error) {
    throw new WorkBucketError('GetObject', bucket, key, awsErrorCode(error), awsErrorMessage(error));
  }
}

export async function putWorkList(
  s3: S3Client,
  bucket: string,
  key: string,
  accounts: readonly WorkListItem[],
): Promise<void> {
  await putText(s3, bucket, key, JSON.stringify(accounts), 'application/json');
}

/** The work list as ListTargets wrote it; a body that is not a list of accounts is an error naming the object. */
export async function getWorkList(s3: S3Client, bucket: string, key: string): Promise<WorkListItem[]> {
  const text = await getText(s3, bucket, key);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WorkBucketError('GetObject', bucket, key, 'InvalidWorkList', 'the object is not JSON');
  }
  const parsed = WorkListSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WorkBucketError(
      'GetObject',
      bucket,
      key,
      'InvalidWorkList',
      `not a list of accounts (${issue?.path.join('.')}: ${issue?.message})`,
    );
  }
  return parsed.data.map((item) => ({
    accountId: item.accountId,
    ...(item.accountName ? { accountName: item.accountName } : {}),
    ...(item.skip ? { skip: item.skip } : {}),
    ...(item.routing ? { routing: item.routing } : {}),
  }));
}
