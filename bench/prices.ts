/**
 * Unit prices for the cost model: AWS public on-demand prices for us-east-1, as the author knew them from the AWS
 * pricing pages (mid-2025). They were NOT fetched for this benchmark; check them before quoting a figure.
 * The always-free allowances are listed apart so the model can show the bill with and without them.
 */

export const PRICES_AS_OF = '2025-07 (author’s knowledge of the AWS us-east-1 price pages, not fetched; verify)';
export const PRICE_REGION = 'us-east-1';

export interface UnitPrice {
  /** What is billed, e.g. "Lambda compute (arm64)". */
  name: string;
  unit: string;
  usd: number;
  /** The monthly allowance AWS gives free forever (not the 12-month trial), in the same unit. */
  alwaysFree?: number;
}

export const PRICES = {
  lambdaRequests: { name: 'Lambda requests', unit: 'request', usd: 0.2 / 1e6, alwaysFree: 1_000_000 },
  lambdaArmGbSecond: { name: 'Lambda compute (arm64)', unit: 'GB-second', usd: 0.0000133334, alwaysFree: 400_000 },
  sfnStandardTransitions: {
    name: 'Step Functions Standard state transitions',
    unit: 'transition',
    usd: 0.025 / 1000,
    alwaysFree: 4000,
  },
  sfnExpressRequests: { name: 'Step Functions Express requests', unit: 'request', usd: 1 / 1e6 },
  /** Billed per 64 MB of memory used and per 100 ms (rounded up); the children's state is tiny, so 64 MB. */
  sfnExpressGbSecond: { name: 'Step Functions Express duration', unit: 'GB-second', usd: 0.00001667 },
  dynamoWriteUnits: { name: 'DynamoDB on-demand write request units', unit: 'WRU', usd: 0.625 / 1e6 },
  dynamoReadUnits: { name: 'DynamoDB on-demand read request units', unit: 'RRU', usd: 0.125 / 1e6 },
  dynamoStorage: { name: 'DynamoDB storage', unit: 'GB-month', usd: 0.25, alwaysFree: 25 },
  dynamoPitr: { name: 'DynamoDB point-in-time recovery', unit: 'GB-month', usd: 0.2 },
  s3Put: { name: 'S3 PUT requests', unit: 'request', usd: 0.005 / 1000 },
  s3Get: { name: 'S3 GET requests', unit: 'request', usd: 0.0004 / 1000 },
  s3Storage: { name: 'S3 Standard storage', unit: 'GB-month', usd: 0.023 },
  secret: { name: 'Secrets Manager secret', unit: 'secret-month', usd: 0.4 },
  secretsApi: { name: 'Secrets Manager API calls', unit: 'call', usd: 0.05 / 10_000 },
  kmsKey: { name: 'KMS customer managed key', unit: 'key-month', usd: 1 },
  alarm: { name: 'CloudWatch alarms (standard resolution)', unit: 'alarm-month', usd: 0.1, alwaysFree: 10 },
  dashboard: { name: 'CloudWatch dashboard', unit: 'dashboard-month', usd: 3, alwaysFree: 3 },
  customMetric: { name: 'CloudWatch custom metrics (EMF)', unit: 'metric-month', usd: 0.3, alwaysFree: 10 },
  logsIngestion: { name: 'CloudWatch Logs ingestion', unit: 'GB', usd: 0.5, alwaysFree: 5 },
  logsStorage: { name: 'CloudWatch Logs storage', unit: 'GB-month', usd: 0.03, alwaysFree: 5 },
  xrayTraces: { name: 'X-Ray traces recorded', unit: 'trace', usd: 5 / 1e6, alwaysFree: 100_000 },
  scheduler: { name: 'EventBridge Scheduler invocations', unit: 'invocation', usd: 1 / 1e6, alwaysFree: 14_000_000 },
} as const satisfies Record<string, UnitPrice>;

export type PriceKey = keyof typeof PRICES;
