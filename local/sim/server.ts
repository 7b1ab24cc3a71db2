/**
 * One HTTP server on 127.0.0.1 for every simulated service. A request's service and region come from its SigV4
 * credential scope, its caller from the access key id (signatures are not checked). Every answer goes through
 * the same steps: caller → session expiry → region enabled → injected faults → latency → quota → operation.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_SIM_START, SimClock } from './clock';
import { type CallRecord, Counters } from './counters';
import { Faults } from './faults';
import { SimOrganization } from './org';
import { type Quotas, RateLimiter } from './quotas';
import type { Scenario } from './scenario';
import { account } from './services/account';
import { acm } from './services/acm';
import { apigateway } from './services/apigateway';
import { cloudfront } from './services/cloudfront';
import type { HandlerContext, Input, Principal, ServiceDefinition } from './services/context';
import { elbv2 } from './services/elbv2';
import { organizations } from './services/organizations';
import { route53 } from './services/route53';
import { s3 } from './services/s3';
import { secretsManager } from './services/secrets-manager';
import { sts } from './services/sts';
import { tagging } from './services/tagging';
import { type SessionPolicy, sessionPolicyAllows } from './session-policy';
import { SimBuckets, SimSecrets } from './storage';
import {
  AwsError,
  errorAnswer,
  guessProtocol,
  type Protocol,
  parseAuthorization,
  readBody,
  successAnswer,
  writeAnswer,
} from './wire';

export type { Principal } from './services/context';

export const SERVICES: readonly ServiceDefinition[] = [
  acm,
  sts,
  organizations,
  account,
  tagging,
  s3,
  secretsManager,
  route53,
  elbv2,
  cloudfront,
  apigateway,
];

/** Region the management principal works in (AWS_REGION of `env()`). */
export const SIM_HOME_REGION = 'us-east-1';

/** Name of the management (hub) account's IAM user whose keys `env()` hands out. */
export const MANAGEMENT_USER_NAME = 'cert-monitor-operator';

export interface SimulatorOptions {
  scenario: Scenario;
  /** The business clock; default: a SimClock at `scenario.start` (or DEFAULT_SIM_START). */
  clock?: SimClock;
  /** Calls per second per account, region and operation. */
  quotas?: Partial<Quotas>;
  /** Added to every answer (real time). */
  latencyMs?: number;
  /** Unknown operations, unreadable requests and internal errors; every call too with `logCalls`. */
  log?: (line: string) => void;
  logCalls?: boolean;
  /** Session credentials stop working when their Expiration passes on the SimClock. Default true. */
  enforceSessionExpiry?: boolean;
  /** Default 0 (the OS picks a free port). */
  port?: number;
}

export interface SimCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface Simulator {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION of the management principal. */
  env(): Record<string, string>;
  /** The management (hub) account's principal. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** `arn:aws:iam::<management>:user/cert-monitor-operator` */
  principalArn: string;
  org: SimOrganization;
  clock: SimClock;
  counters: Counters;
  faults: Faults;
  quotas: RateLimiter;
  /** The hub's S3 buckets (work lists, reports). */
  s3: SimBuckets;
  /** The hub's Secrets Manager secrets (the Slack webhooks). */
  secretsManager: SimSecrets;
  /** Long-term keys of an IAM user in any account (e.g. a member account, to test who may list accounts). */
  issueUserCredentials(accountId: string, userName?: string): SimCredentials;
  close(): Promise<void>;
}

class CredentialStore {
  private readonly byKey = new Map<string, Principal>();
  private issued = 0;

  private nextKey(prefix: 'AKIA' | 'ASIA', accountId: string): string {
    this.issued++;
    return `${prefix}${this.issued.toString(36).toUpperCase().padStart(6, '0')}${accountId.slice(-10)}`;
  }

  addUser(accountId: string, userName: string): Principal {
    const accessKeyId = this.nextKey('AKIA', accountId);
    const principal: Principal = {
      accountId,
      arn: `arn:aws:iam::${accountId}:user/${userName}`,
      userId: `AIDA${accessKeyId.slice(4)}`,
      accessKeyId,
      secretAccessKey: `${accessKeyId}/sim/secret`.padEnd(40, '0'),
      kind: 'user',
    };
    this.byKey.set(accessKeyId, principal);
    return principal;
  }

  addSession(
    accountId: string,
    roleName: string,
    sessionName: string,
    expiresAtMs: number,
    sessionPolicy?: SessionPolicy,
  ): Principal {
    const accessKeyId = this.nextKey('ASIA', accountId);
    const principal: Principal = {
      accountId,
      arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
      userId: `AROA${accessKeyId.slice(4)}:${sessionName}`,
      accessKeyId,
      secretAccessKey: `${accessKeyId}/sim/session-secret`.padEnd(40, '0'),
      sessionToken: `sim-session/${accessKeyId}/${roleName}/${sessionName}`,
      kind: 'assumed-role',
      roleName,
      expiresAtMs,
      ...(sessionPolicy ? { sessionPolicy } : {}),
    };
    this.byKey.set(accessKeyId, principal);
    return principal;
  }

  get(accessKeyId: string): Principal | undefined {
    return this.byKey.get(accessKeyId);
  }
}

function invalidToken(protocol: Protocol): AwsError {
  if (protocol === 'restXml') {
    return new AwsError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403);
  }
  return protocol === 'awsQuery'
    ? new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403)
    : new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 403);
}

/** STS models this code for the query protocol too, so the SDK raises its ExpiredTokenException class. */
function expiredToken(): AwsError {
  return new AwsError('ExpiredTokenException', 'The security token included in the request is expired', 400);
}

/** The IAM action of a simulated operation, e.g. `acm:DescribeCertificate` (undefined for an unknown service). */
export function iamAction(service: string, operation: string): string | undefined {
  const definition = SERVICES.find((s) => s.name === service);
  return definition ? actionOf(definition, operation) : undefined;
}

function actionOf(service: ServiceDefinition, operation: string): string {
  return service.iamAction?.(operation) ?? `${service.iamPrefix}:${operation}`;
}

/** A call its session policy does not allow, in the service's protocol (IAM's wording for session policies). */
function sessionPolicyDenied(protocol: Protocol, caller: Principal, action: string): AwsError {
  const message = `User: ${caller.arn} is not authorized to perform: ${action} because no session policy allows the ${action} action`;
  if (protocol === 'awsQuery' || protocol === 'restXml') return new AwsError('AccessDenied', message, 403);
  return new AwsError('AccessDeniedException', message, protocol === 'restJson1' ? 403 : 400);
}

function unknownOperation(protocol: Protocol, operation: string): AwsError {
  if (protocol === 'awsQuery') {
    return new AwsError('InvalidAction', `Could not find operation ${operation} for version 2011-06-15`, 400);
  }
  if (protocol === 'restXml') {
    return new AwsError(
      'MethodNotAllowed',
      `The specified method is not allowed against this resource: ${operation}`,
      405,
    );
  }
  return new AwsError('UnknownOperationException', '', protocol === 'restJson1' ? 404 : 400);
}

/** The operation and its input, or the protocol's error for an unknown operation or unreadable body. */
function parseOperation(
  service: ServiceDefinition,
  req: IncomingMessage,
  body: string,
): { operation: string; input: Input } {
  if (service.protocol === 'awsJson1_1') {
    const target = String(req.headers['x-amz-target'] ?? '');
    const dot = target.lastIndexOf('.');
    const prefix = target.slice(0, dot);
    const operation = dot >= 0 ? target.slice(dot + 1) : target;
    if (prefix !== service.targetPrefix || !service.operations[operation]) {
      throw unknownOperation('awsJson1_1', operation || '(none)');
    }
    return { operation, input: parseJsonBody(body) };
  }
  if (service.protocol === 'awsQuery') {
    const params = new URLSearchParams(body);
    const operation = params.get('Action') ?? '';
    if (!service.operations[operation]) throw unknownOperation('awsQuery', operation || '(none)');
    return { operation, input: Object.fromEntries(params.entries()) };
  }
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (service.protocol === 'restXml') {
    const found = service.route?.(req.method ?? 'GET', path);
    if (!found || !service.operations[found.operation]) throw unknownOperation('restXml', `${req.method} ${path}`);
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    return {
      operation: found.operation,
      input: {
        // Query parameters (Route 53's `marker`, `maxitems`) under their wire names; the route's own params win.
        ...Object.fromEntries(new URLSearchParams((req.url ?? '').split('?')[1] ?? '').entries()),
        ...found.params,
        Body: body,
        ContentType: header('content-type'),
        ContentEncoding: header('content-encoding'),
      },
    };
  }
  const routed = service.routes?.[`${req.method} ${path}`];
  const found = routed === undefined ? service.route?.(req.method ?? 'GET', path) : { operation: routed, params: {} };
  if (!found || !service.operations[found.operation]) throw unknownOperation('restJson1', `${req.method} ${path}`);
  return { operation: found.operation, input: { ...parseJsonBody(body), ...found.params } };
}

function parseJsonBody(body: string): Input {
  if (body.trim() === '') return {};
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Input;
  } catch {
    // reported below in AWS's shape
  }
  throw new AwsError('SerializationException', 'Start of structure or map found where not expected.', 400);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts the simulator on 127.0.0.1 (port 0 by default). */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const clock = options.clock ?? new SimClock(options.scenario.start ?? DEFAULT_SIM_START);
  const org = new SimOrganization(options.scenario, clock);
  const counters = new Counters();
  const faults = new Faults();
  const limiter = new RateLimiter(options.quotas);
  const credentials = new CredentialStore();
  const buckets = new SimBuckets();
  const secrets = new SimSecrets();
  const log = options.log ?? (() => {});
  const enforceExpiry = options.enforceSessionExpiry ?? true;
  const management = credentials.addUser(org.managementAccountId, MANAGEMENT_USER_NAME);
  const byScope = new Map(SERVICES.map((service) => [service.scope, service]));
  let requestCount = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requestCount++;
    const requestId = `00000000-0000-4000-8000-${requestCount.toString(16).padStart(12, '0')}`;
    const auth = parseAuthorization(req.headers.authorization);
    const service = auth ? byScope.get(auth.service) : undefined;
    const protocol = service?.protocol ?? guessProtocol(req);
    const call: CallRecord = {
      service: service?.name ?? auth?.service ?? 'unknown',
      operation: 'unknown',
      accountId: 'unknown',
      region: auth?.region ?? 'unknown',
      outcome: 'ok',
    };
    try {
      const body = await readBody(req);
      if (!auth) {
        throw protocol === 'awsQuery'
          ? new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403)
          : new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
      }
      if (!service) throw unknownOperation(protocol, `${auth.service} service`);
      const { operation, input } = parseOperation(service, req, body);
      call.operation = operation;
      const caller = credentials.get(auth.accessKeyId);
      if (!caller) throw invalidToken(protocol);
      call.accountId = caller.accountId;
      if (enforceExpiry && caller.expiresAtMs !== undefined && caller.expiresAtMs <= clock.nowMs()) {
        throw expiredToken();
      }
      if (service.regional && !org.isRegionEnabled(caller.accountId, auth.region)) throw invalidToken(protocol);
      const action = actionOf(service, operation);
      if (caller.sessionPolicy && !sessionPolicyAllows(caller.sessionPolicy, action)) {
        throw sessionPolicyDenied(protocol, caller, action);
      }

      const decision = faults.decide({
        service: service.name,
        operation,
        accountId: caller.accountId,
        region: auth.region,
      });
      const latency = (options.latencyMs ?? 0) + decision.extraLatencyMs;
      if (latency > 0) await sleep(latency);
      if (decision.fail) throw new AwsError(decision.fail.code, decision.fail.message, decision.fail.status, 'faulted');
      const quotaRegion = service.regional ? auth.region : 'global';
      if (decision.throttle || !limiter.tryTake(caller.accountId, quotaRegion, operation)) {
        throw new AwsError(service.throttle.code, service.throttle.message, service.throttle.status, 'throttled');
      }

      const ctx: HandlerContext = {
        org,
        clock,
        faults,
        caller,
        region: auth.region,
        issueSession: (accountId, roleName, sessionName, expiresAtMs, sessionPolicy) =>
          credentials.addSession(accountId, roleName, sessionName, expiresAtMs, sessionPolicy),
        buckets,
        secrets,
      };
      const handler = service.operations[operation] as (input: Input, ctx: HandlerContext) => unknown;
      const output = await handler(input, ctx);
      writeAnswer(res, successAnswer(protocol, operation, output, requestId, service?.xmlNamespace));
    } catch (error) {
      let awsError: AwsError;
      if (error instanceof AwsError) {
        awsError = error;
        if (
          error.code === 'UnknownOperationException' ||
          error.code === 'InvalidAction' ||
          error.code === 'SerializationException'
        ) {
          log(
            `sim: ${error.code} for ${req.method} ${req.url} (${call.service}, target ${String(req.headers['x-amz-target'] ?? '-')})`,
          );
        }
      } else {
        log(
          `sim: internal error in ${call.service}.${call.operation}: ${error instanceof Error ? error.stack : String(error)}`,
        );
        awsError = new AwsError('InternalFailure', 'The simulator failed to handle the request.', 500);
      }
      call.outcome = awsError.outcome;
      if (!res.headersSent) writeAnswer(res, errorAnswer(protocol, awsError, requestId, service?.xmlNamespace));
    } finally {
      counters.record(call);
      if (options.logCalls) {
        log(`${call.service}.${call.operation} account=${call.accountId} region=${call.region} ${call.outcome}`);
      }
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`sim: failed to answer: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // SDK clients keep sockets alive between calls; a server that drops idle sockets first (Node's default: 5 s) races
  // a reused socket and the SDK retries a call the server never saw, which would make the call counters inexact.
  server.keepAliveTimeout = 120_000;
  server.on('clientError', (error, socket) => {
    log(`sim: client error: ${error.message}`);
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    env: () => ({
      AWS_ENDPOINT_URL: url,
      AWS_ACCESS_KEY_ID: management.accessKeyId,
      AWS_SECRET_ACCESS_KEY: management.secretAccessKey,
      AWS_REGION: SIM_HOME_REGION,
    }),
    credentials: { accessKeyId: management.accessKeyId, secretAccessKey: management.secretAccessKey },
    principalArn: management.arn,
    org,
    clock,
    counters,
    faults,
    quotas: limiter,
    s3: buckets,
    secretsManager: secrets,
    issueUserCredentials: (accountId, userName = 'sim-user') => {
      const user = credentials.addUser(accountId, userName);
      return { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
