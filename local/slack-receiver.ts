/**
 * A local stand-in for Slack incoming webhooks on 127.0.0.1 (port chosen by the OS), for tests and the demo.
 * Every path is a webhook (`${url}/digest`, `${url}/alerts`, ...). It records what was posted, answers like
 * Slack does (200 "ok"; 400 for messages over Slack's limits) and can be told to answer 429, 5xx or to behave
 * like a revoked webhook.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPost {
  path: string;
  /** The parsed JSON body (undefined when it was not JSON). */
  body: unknown;
  /** When it arrived (ISO-8601). */
  at: string;
  /** The status the receiver answered with. */
  status: number;
}

export interface ProgrammedResponse {
  status: number;
  /** Seconds, sent as the `Retry-After` header (Slack sends it with 429). */
  retryAfter?: number;
  /** Response body; defaults to Slack's texts (`ok`, `rate_limited`, `internal_error`). */
  body?: string;
  /** Wait this long before answering (to exercise client timeouts). */
  delayMs?: number;
}

export interface SlackReceiver {
  /** Base address, e.g. `http://127.0.0.1:51234`; append any path to get a webhook. */
  url: string;
  /** Answer the next posts to `path` with these responses, in order; afterwards 200 again. */
  respondWith(path: string, responses: ProgrammedResponse[]): void;
  /** Answer every post to `path` like a revoked webhook (Slack: 403 invalid_token, 404 no_service, 410 channel_is_archived). */
  breakWebhook(path: string, status: number, error: string): void;
  /** Undo `breakWebhook`: the webhook accepts posts again. */
  repairWebhook(path: string): void;
  /** What was posted, to one path or to all, oldest first. */
  posts(path?: string): ReceivedPost[];
  /** Forget recorded posts, programmed responses and broken webhooks. */
  clear(): void;
  close(): Promise<void>;
}

/** Slack's limits, checked like Slack does: a message over them is refused with 400 `invalid_blocks`. */
const MAX_BLOCKS = 50;
const MAX_SECTION_TEXT = 3_000;
const MAX_HEADER_TEXT = 150;

const DEFAULT_BODIES: Record<number, string> = {
  200: 'ok',
  400: 'invalid_payload',
  403: 'invalid_token',
  404: 'no_service',
  410: 'channel_is_archived',
  429: 'rate_limited',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
};

/** A path, or a whole webhook address (`${receiver.url}/alerts`), as the path the receiver records. */
function normalise(pathOrUrl: string): string {
  const path = /^https?:\/\//.test(pathOrUrl) ? new URL(pathOrUrl).pathname : pathOrUrl;
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.length > 1 ? withSlash.replace(/\/+$/, '') : withSlash;
}

/** Why Slack would refuse this payload, or undefined when it would accept it. */
function payloadError(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return 'invalid_payload';
  const { text, blocks } = body as { text?: unknown; blocks?: unknown };
  if (blocks === undefined) return typeof text === 'string' && text !== '' ? undefined : 'no_text';
  if (!Array.isArray(blocks) || blocks.length > MAX_BLOCKS) return 'invalid_blocks';
  for (const block of blocks as Array<{ type?: unknown; text?: { text?: unknown } }>) {
    const blockText = block.text?.text;
    if (block.type === 'header' && (typeof blockText !== 'string' || blockText.length > MAX_HEADER_TEXT)) {
      return 'invalid_blocks';
    }
    if (
      block.type === 'section' &&
      typeof blockText === 'string' &&
      (blockText.length === 0 || blockText.length > MAX_SECTION_TEXT)
    ) {
      return 'invalid_blocks';
    }
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startSlackReceiver(): Promise<SlackReceiver> {
  const recorded: ReceivedPost[] = [];
  const queues = new Map<string, ProgrammedResponse[]>();
  const broken = new Map<string, { status: number; error: string }>();
  const pendingTimers = new Set<NodeJS.Timeout>();

  function answer(res: ServerResponse, response: ProgrammedResponse): void {
    const send = () => {
      if (res.destroyed) return;
      const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
      if (response.retryAfter !== undefined) headers['retry-after'] = String(response.retryAfter);
      res.writeHead(response.status, headers);
      res.end(response.body ?? DEFAULT_BODIES[response.status] ?? 'error');
    };
    if (response.delayMs === undefined || response.delayMs <= 0) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      pendingTimers.delete(timer);
      send();
    }, response.delayMs);
    pendingTimers.add(timer);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end('method_not_allowed');
      return;
    }
    const path = normalise(new URL(req.url ?? '/', 'http://localhost').pathname);
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const response = chooseResponse(path, body);
    recorded.push({ path, body, at: new Date().toISOString(), status: response.status });
    answer(res, response);
  }

  function chooseResponse(path: string, body: unknown): ProgrammedResponse {
    const fault = broken.get(path);
    if (fault !== undefined) return { status: fault.status, body: fault.error };
    const queued = queues.get(path)?.shift();
    if (queued !== undefined) return queued;
    const invalid = payloadError(body);
    return invalid === undefined ? { status: 200 } : { status: 400, body: invalid };
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end('internal_error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    respondWith(path, responses) {
      const key = normalise(path);
      queues.set(key, [...(queues.get(key) ?? []), ...responses]);
    },
    breakWebhook(path, status, error) {
      broken.set(normalise(path), { status, error });
    },
    repairWebhook(path) {
      broken.delete(normalise(path));
    },
    posts(path) {
      if (path === undefined) return [...recorded];
      const key = normalise(path);
      return recorded.filter((post) => post.path === key);
    },
    clear() {
      recorded.length = 0;
      queues.clear();
      broken.clear();
    },
    close() {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
