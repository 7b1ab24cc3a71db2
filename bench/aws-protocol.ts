/**
 * The messages between the benchmark and its "AWS side" child process (the simulated organization and the local
 * DynamoDB). The AWS side runs in its own process so its CPU is not counted against the product's, which runs in
 * the benchmark's process as it would in Lambda (where AWS's own work happens elsewhere).
 */
import type { CountersSnapshot, Mutation, Quotas } from '../local/sim';
import type { OrgShape } from './org';

export interface StartRequest {
  shape: OrgShape;
  seed: number;
  latencyMs: number;
  quotas?: Partial<Quotas>;
  /** Also start a local DynamoDB (dynalite). */
  dynamo: boolean;
}

export interface StartReply {
  url: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  dynamoEndpoint?: string;
  /** The simulation clock (ISO-8601). */
  now: string;
}

/** One target as the organization holds it now. */
export interface TargetShape {
  accountId: string;
  region: string;
  certificates: number;
  taggingDenied: boolean;
}

export interface Requests {
  start: [StartRequest, StartReply];
  counters: [undefined, CountersSnapshot];
  resetCounters: [undefined, null];
  resetQuotas: [undefined, null];
  churn: [{ seed: number; fraction: number; newCertificateShare?: number }, Mutation[]];
  /** Moves the simulation clock; answers the new time (ISO-8601). */
  advanceDays: [{ days: number }, string];
  targets: [undefined, TargetShape[]];
  /** CPU the AWS side has used so far (user + system seconds). */
  cpuSeconds: [undefined, number];
  close: [undefined, null];
}

export type Operation = keyof Requests;

export interface RequestMessage<O extends Operation = Operation> {
  id: number;
  op: O;
  args: Requests[O][0];
}

export type ReplyMessage = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
