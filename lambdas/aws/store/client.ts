/**
 * The client of the monitor's own state table, opened the same way by every Lambda, the CLI and the local runner:
 * retries that ride out a busy table (StateTableRetryStrategy), and a document client that drops undefined
 * attributes. Kept apart from the scanner's clients (aws/clients.ts) so a handler that only uses the table does not
 * bundle ACM, STS and Organizations.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsCredentials, CredentialsProvider } from '../credentials';
import { type StateTableRetryOptions, StateTableRetryStrategy } from './retry';

export interface StateTableClientConfig {
  region: string;
  /** Absent: the SDK's default chain. */
  credentials?: AwsCredentials | CredentialsProvider;
  /** Absent: the SDK resolves it (AWS_ENDPOINT_URL_DYNAMODB for local runs). */
  endpoint?: string;
  retry?: StateTableRetryOptions;
}

export interface StateTableClient {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  /** What the retries did. */
  retries: StateTableRetryStrategy;
}

export function createStateTableClient(config: StateTableClientConfig): StateTableClient {
  const retries = new StateTableRetryStrategy(config.retry);
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.credentials ? { credentials: config.credentials } : {}),
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    retryStrategy: retries,
  });
  return { client, doc: documentClient(client), retries };
}

/** The document client over a DynamoDB client made elsewhere (the CLI's, tests'), with the same marshalling. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
