/**
 * The services' wire protocols as the AWS SDK v3 speaks them: awsJson 1.1 (ACM, Organizations, tagging, Secrets
 * Manager), awsQuery with XML answers (STS), restJson (Account) and restXml (S3, path-style). Only what the
 * simulated operations need.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Protocol = 'awsJson1_1' | 'awsQuery' | 'restJson1' | 'restXml';

/** An AWS error answer. `outcome` says how counters book it. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly outcome: 'error' | 'throttled' | 'faulted' = 'error',
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AwsError';
  }
}

export interface SigV4Scope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;

/** The SigV4 credential scope of a request (signatures are not verified). */
export function parseAuthorization(header: string | undefined): SigV4Scope | undefined {
  const match = header ? CREDENTIAL.exec(header) : null;
  if (!match) return undefined;
  return {
    accessKeyId: match[1] as string,
    date: match[2] as string,
    region: match[3] as string,
    service: match[4] as string,
  };
}

/** Which protocol a request speaks when its service is unknown (to answer in a shape the client can read). */
export function guessProtocol(req: IncomingMessage): Protocol {
  if (req.headers['x-amz-target']) return 'awsJson1_1';
  if (String(req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')) return 'awsQuery';
  return 'restJson1';
}

export async function readBody(req: IncomingMessage, limit = 4 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new AwsError('RequestEntityTooLarge', 'Request body too large', 413);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** JSON protocols: timestamps as epoch seconds, undefined fields dropped. */
function toJson(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = toJson(field);
    return out;
  }
  return value;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Query protocol: nested elements, lists as `<member>`, timestamps as ISO-8601. */
function toXml(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .map(([key, field]) => `<${key}>${toXml(field)}</${key}>`)
      .join('');
  }
  return escapeXml(String(value));
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A REST operation's answer as it goes on the wire (S3 returns objects as bodies, metadata as headers). */
export class RawAnswer {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: string,
  ) {}
}

export function successAnswer(
  protocol: Protocol,
  operation: string,
  output: unknown,
  requestId: string,
  xmlNamespace = '',
): Answer {
  if (output instanceof RawAnswer) {
    return {
      status: output.status,
      headers: { 'x-amz-request-id': requestId, 'x-amzn-requestid': requestId, ...output.headers },
      body: output.body,
    };
  }
  if (protocol === 'restXml') {
    return { status: 200, headers: { 'x-amz-request-id': requestId }, body: '' };
  }
  if (protocol === 'awsQuery') {
    const body =
      `<${operation}Response xmlns="${xmlNamespace}"><${operation}Result>${toXml(output)}</${operation}Result>` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
    return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
  }
  const contentType = protocol === 'awsJson1_1' ? 'application/x-amz-json-1.1' : 'application/json';
  return {
    status: 200,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId },
    body: JSON.stringify(toJson(output ?? {})),
  };
}

export function errorAnswer(protocol: Protocol, error: AwsError, requestId: string, xmlNamespace = ''): Answer {
  if (protocol === 'restXml') {
    const extra = Object.entries(error.extra)
      .map(([key, value]) => `<${key}>${escapeXml(value)}</${key}>`)
      .join('');
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(error.code)}</Code>` +
      `<Message>${escapeXml(error.message)}</Message>${extra}<RequestId>${requestId}</RequestId></Error>`;
    return {
      status: error.status,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
      body,
    };
  }
  if (protocol === 'awsQuery') {
    const type = error.status >= 500 ? 'Receiver' : 'Sender';
    const body =
      `<ErrorResponse xmlns="${xmlNamespace}"><Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code>` +
      `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: error.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
  }
  if (protocol === 'awsJson1_1') {
    return {
      status: error.status,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
      body: JSON.stringify({ __type: error.code, message: error.message, ...error.extra }),
    };
  }
  return {
    status: error.status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': error.code },
    body: JSON.stringify({ message: error.message, ...error.extra }),
  };
}

export function writeAnswer(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

/** Opaque paging tokens (base64url JSON), checked on the way back in. */
export function encodeToken(state: Record<string, number | string>): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

export function decodeToken<T extends Record<string, number | string>>(
  token: unknown,
  isValid: (state: Record<string, unknown>) => boolean,
): T | undefined {
  if (typeof token !== 'string') return undefined;
  try {
    const state = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (state && typeof state === 'object' && isValid(state as Record<string, unknown>)) return state as T;
  } catch {
    // fall through: an unreadable token is the caller's error, reported by the operation
  }
  return undefined;
}
