/**
 * A fault-injecting HTTP proxy in front of a local DynamoDB (dynalite), so the monitor's own state table can answer
 * like a busy real one: writes throttled, reads answering 500, and successful writes whose answer never reaches the
 * caller (the write happened, the SDK sees a reset connection and sends it again). The store's retries and its
 * conditional writes are exercised over real HTTP by the real SDK, as DESIGN.md asks of every retry path.
 *
 * Listens on 127.0.0.1 on a port the OS picks; whoever starts it stops it with `close()`. Faults are drawn from a
 * seeded generator, so a seed reproduces a run. Table management calls (CreateTable, DescribeTable, ...) are never
 * faulted: the faults are those of a table in use, not of a deployment.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Rng } from './sim/rng';

/** The item operations DynamoDB counts as writes (write capacity). */
const WRITE_OPERATIONS: ReadonlySet<string> = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);
/** The item operations DynamoDB counts as reads (read capacity). */
const READ_OPERATIONS: ReadonlySet<string> = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

export interface DynamoFaultRates {
  /** Share of write calls answered with a throttling error (nothing written). */
  writeThrottle?: number;
  /** Share of read calls answered with a throttling error. */
  readThrottle?: number;
  /** Share of write calls answered 500 InternalServerError (nothing written). */
  writeServerError?: number;
  /** Share of read calls answered 500 InternalServerError. */
  readServerError?: number;
  /** Share of successful writes whose answer is lost: the write happened, the connection is reset. */
  writeAnswerLost?: number;
}

export interface DynamoFaultProxyOptions {
  /** Where dynalite (or any DynamoDB endpoint) listens, e.g. `http://127.0.0.1:8000`. */
  upstream: string;
  /** @default no faults until `setRates` */
  rates?: DynamoFaultRates;
  /** @default 1 */
  seed?: number;
  /**
   * The throttling error's code. DynamoDB answers ProvisionedThroughputExceededException for a hot partition (on-demand
   * tables too) and ThrottlingException when an account-level or control-plane rate is exceeded.
   * @default 'ProvisionedThroughputExceededException'
   */
  throttleCode?: string;
}

/** What the proxy did, by fault and by operation, for tests and measurements. */
export interface DynamoFaultCounts {
  requests: number;
  forwarded: number;
  throttled: number;
  serverErrors: number;
  answersLost: number;
  byOperation: Record<string, { requests: number; faulted: number }>;
}

export interface DynamoFaultProxy {
  /** The proxy's endpoint: give it to the SDK instead of the upstream's. */
  endpoint: string;
  setRates(rates: DynamoFaultRates): void;
  /**
   * The next `count` calls of `operation` (any operation when absent) whose JSON body contains `bodyContains` (when
   * given) get this fault, whatever the rates say.
   */
  force(
    fault: 'throttle' | 'serverError' | 'answerLost',
    count: number,
    operation?: string,
    bodyContains?: string,
  ): void;
  /** Drops the faults `force` queued that have not happened yet. */
  clearForced(): void;
  /**
   * Sends what follows to another DynamoDB endpoint. Lets two worlds share one endpoint that a process captured once
   * (the pipeline's handlers read it at their cold start): one table state with faults, one without.
   */
  setUpstream(endpoint: string): void;
  counts(): DynamoFaultCounts;
  close(): Promise<void>;
}

type Fault = 'throttle' | 'serverError' | 'answerLost' | undefined;

interface Forced {
  fault: Exclude<Fault, undefined>;
  remaining: number;
  operation?: string;
  bodyContains?: string;
}

export async function startDynamoFaultProxy(options: DynamoFaultProxyOptions): Promise<DynamoFaultProxy> {
  let upstream = new URL(options.upstream);
  const rng = new Rng(options.seed ?? 1);
  const throttleCode = options.throttleCode ?? 'ProvisionedThroughputExceededException';
  let rates: DynamoFaultRates = { ...options.rates };
  let forced: Forced[] = [];
  const counts: DynamoFaultCounts = {
    requests: 0,
    forwarded: 0,
    throttled: 0,
    serverErrors: 0,
    answersLost: 0,
    byOperation: {},
  };

  const choose = (operation: string, body: string): Fault => {
    const index = forced.findIndex(
      (f) =>
        f.remaining > 0 &&
        (f.operation === undefined || f.operation === operation) &&
        (f.bodyContains === undefined || body.includes(f.bodyContains)),
    );
    if (index >= 0) {
      const f = forced[index] as Forced;
      f.remaining--;
      if (f.remaining === 0) forced.splice(index, 1);
      return f.fault;
    }
    const write = WRITE_OPERATIONS.has(operation);
    const read = READ_OPERATIONS.has(operation);
    if (!write && !read) return undefined;
    // One draw per kind of fault, always in the same order, so a seed gives the same faults whatever the rates.
    const throttle = rng.next() < (write ? (rates.writeThrottle ?? 0) : (rates.readThrottle ?? 0));
    const serverError = rng.next() < (write ? (rates.writeServerError ?? 0) : (rates.readServerError ?? 0));
    const lost = rng.next() < (write ? (rates.writeAnswerLost ?? 0) : 0);
    if (throttle) return 'throttle';
    if (serverError) return 'serverError';
    return lost ? 'answerLost' : undefined;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'Unknown';
      counts.requests++;
      const perOperation = counts.byOperation[operation] ?? { requests: 0, faulted: 0 };
      counts.byOperation[operation] = perOperation;
      perOperation.requests++;
      const fault = choose(operation, body.toString('utf8'));
      if (fault !== undefined) perOperation.faulted++;
      if (fault === 'throttle') {
        counts.throttled++;
        answerError(res, 400, `com.amazonaws.dynamodb.v20120810#${throttleCode}`, throttleMessage(throttleCode));
        return;
      }
      if (fault === 'serverError') {
        counts.serverErrors++;
        answerError(res, 500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', 'Internal server error');
        return;
      }
      forward(upstream, req, body, (status, headers, answer) => {
        counts.forwarded++;
        if (fault === 'answerLost' && status === 200) {
          // The write is done upstream; the caller only sees its connection reset, as after a network timeout.
          counts.answersLost++;
          req.socket.destroy();
          return;
        }
        res.writeHead(status, headers);
        res.end(answer);
      }).catch((error: unknown) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`fault proxy could not reach ${upstream.href}: ${String(error)}`);
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setRates: (next) => {
      rates = { ...next };
    },
    force: (fault, count, operation, bodyContains) => {
      forced.push({
        fault,
        remaining: count,
        ...(operation === undefined ? {} : { operation }),
        ...(bodyContains === undefined ? {} : { bodyContains }),
      });
    },
    clearForced: () => {
      forced = [];
    },
    setUpstream: (endpoint) => {
      upstream = new URL(endpoint);
    },
    counts: () => structuredClone(counts),
    close: () =>
      new Promise<void>((resolve, reject) => {
        forced = [];
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function throttleMessage(code: string): string {
  return code === 'ProvisionedThroughputExceededException'
    ? 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.'
    : 'Rate of requests exceeds the allowed throughput.';
}

function answerError(res: ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ __type: type, message });
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': `fault-${Math.random().toString(36).slice(2)}`,
  });
  res.end(body);
}

function forward(
  upstream: URL,
  req: IncomingMessage,
  body: Buffer,
  answer: (status: number, headers: Record<string, string | string[]>, body: Buffer) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: upstream.host };
    const outgoing = httpRequest(
      { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers },
      (response) => {
        const parts: Buffer[] = [];
        response.on('data', (chunk: Buffer) => parts.push(chunk));
        response.on('end', () => {
          const copied: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) copied[name] = value;
          answer(response.statusCode ?? 502, copied, Buffer.concat(parts));
          resolve();
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
