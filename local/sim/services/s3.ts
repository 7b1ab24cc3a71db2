/**
 * S3 (restXml, path-style `/<bucket>/<key>`): CreateBucket, PutObject and GetObject of text objects. The SDK
 * addresses buckets path-style by itself when its endpoint is an IP address, as the simulator's is.
 */
import { AwsError, RawAnswer } from '../wire';
import type { HandlerContext, Input, ServiceDefinition } from './context';

/** Splits `/<bucket>/<key...>` (each segment URL-encoded by the SDK) into the bucket and the key. */
function route(method: string, path: string): { operation: string; params: Input } | undefined {
  const [bucketSegment = '', ...keySegments] = path.replace(/^\//, '').split('/');
  const bucket = decodeURIComponent(bucketSegment);
  const key = keySegments.map((segment) => decodeURIComponent(segment)).join('/');
  if (bucket === '') return undefined;
  if (key === '') return method === 'PUT' ? { operation: 'CreateBucket', params: { Bucket: bucket } } : undefined;
  if (method === 'PUT') return { operation: 'PutObject', params: { Bucket: bucket, Key: key } };
  if (method === 'GET') return { operation: 'GetObject', params: { Bucket: bucket, Key: key } };
  return undefined;
}

function createBucket(input: Input, ctx: HandlerContext) {
  const bucket = String(input.Bucket);
  ctx.buckets.create(ctx.caller.accountId, bucket, ctx.region);
  return new RawAnswer(200, { location: `/${bucket}` }, '');
}

function putObject(input: Input, ctx: HandlerContext) {
  const body = typeof input.Body === 'string' ? input.Body : '';
  if (String(input.ContentEncoding ?? '').includes('aws-chunked')) {
    throw new AwsError('NotImplemented', 'The simulator takes PutObject bodies in one piece, not aws-chunked.', 501);
  }
  const stored = ctx.buckets.put(
    ctx.caller.accountId,
    String(input.Bucket),
    String(input.Key),
    body,
    typeof input.ContentType === 'string' ? input.ContentType : 'binary/octet-stream',
    ctx.clock.now(),
  );
  return new RawAnswer(200, { etag: stored.etag }, '');
}

function getObject(input: Input, ctx: HandlerContext) {
  const object = ctx.buckets.get(ctx.caller.accountId, String(input.Bucket), String(input.Key));
  return new RawAnswer(
    200,
    {
      'content-type': object.contentType,
      etag: object.etag,
      'last-modified': object.lastModified.toUTCString(),
      'accept-ranges': 'bytes',
    },
    object.body,
  );
}

export const s3: ServiceDefinition = {
  scope: 's3',
  name: 'S3',
  iamPrefix: 's3',
  protocol: 'restXml',
  route,
  // Buckets are reached from any region the client is configured for.
  regional: false,
  throttle: { code: 'SlowDown', status: 503, message: 'Please reduce your request rate.' },
  operations: { CreateBucket: createBucket, PutObject: putObject, GetObject: getObject },
};
