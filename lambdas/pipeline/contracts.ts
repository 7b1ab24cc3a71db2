/**
 * The payloads the state machine hands each Lambda, as Zod schemas (infra/constructs/pipeline.ts builds them;
 * test/unit/handlers checks both sides agree). Every Lambda parses its event with these before doing anything,
 * so a changed definition fails with a message naming the field instead of deep inside a use case.
 */
import * as z from 'zod/mini';
import englishMessages from 'zod/v4/locales/en.js';
import { ACCOUNT_ID_PATTERN, ACCOUNT_ID_RULE } from '../core/aws-ids';

/**
 * zod/mini loads no locale, so every message it writes itself would read "Invalid input". Full zod installs the
 * English one when imported; this does the same for the Lambdas (5 KB, not the 400 KB of all locales), so events
 * and work lists that fail to parse say what was expected, as they do in the CLI and the tests.
 */
z.config(englishMessages());

const isoTime = z
  .string()
  .check(z.refine((value) => !Number.isNaN(Date.parse(value)), { error: 'must be an ISO-8601 time' }));

/** Step Functions execution names: 1-80 characters; they become S3 keys and table keys, so no slashes. */
const runId = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(80),
    z.regex(/^[^/\s]+$/, { error: 'must be an execution name without slashes or spaces' }),
  );

const accountId = z.string().check(z.regex(ACCOUNT_ID_PATTERN, { error: `must be ${ACCOUNT_ID_RULE}` }));

/**
/**
 * What Organizations says about an account for owner routing (its tags, the OUs above it, nearest first), read by
 * ListTargets when the routing table has account or OU rules, and read back by FinalizeRun from the work list.
 */
const AccountRoutingSchema = z.object({
  tags: z.optional(z.record(z.string(), z.string())),
  tagsError: z.optional(z.string()),
  ouPath: z.optional(z.array(z.string())),
  ouError: z.optional(z.string()),
});

/**
 * One item of the work list: an account, whose regions its own Map child finds and scans, except those the run
 * leaves unlisted as clean (no certificate at their last listing, no event since: core/events/skip.ts).
 */
const WorkItemSchema = z.object({
  accountId,
  accountName: z.optional(z.string()),
  skip: z.optional(z.array(z.object({ region: z.string(), lastListedAt: isoTime }))),
});
export type WorkItem = z.infer<typeof WorkItemSchema>;

/** ListTargets' input: the execution's name and start time. */
export const StartRunEventSchema = z.object({ runId, startedAt: isoTime });
export type StartRunEvent = z.infer<typeof StartRunEventSchema>;

/** ListTargets' output (`$.listing`): where the work list is, never the list itself (payloads are ≤ 256 KiB). */
const RunListingSchema = z.object({
  runId,
  startedAt: isoTime,
  bucket: z.string().check(z.minLength(1)),
  key: z.string().check(z.minLength(1)),
  /** Accounts in the work list (one Map child each). */
  accountCount: z.int().check(z.nonnegative()),
});
export type RunListing = z.infer<typeof RunListingSchema>;

/** One Distributed Map child's input: one account. */
export const ScanTargetEventSchema = z.object({ account: WorkItemSchema, runId, startedAt: isoTime });
export type ScanTargetEvent = z.infer<typeof ScanTargetEventSchema>;

export const FinalizeRunEventSchema = z.object({ runId, startedAt: isoTime, listing: RunListingSchema });
export type FinalizeRunEvent = z.infer<typeof FinalizeRunEventSchema>;

/**
 * One item of the work list object: the account, plus its routing facts for FinalizeRun. Its child reads it as a
 * WorkItem, which drops `routing`: the scan has no use for it.
 */
export const WorkListItemSchema = z.extend(WorkItemSchema, { routing: z.optional(AccountRoutingSchema) });
export type WorkListItem = z.infer<typeof WorkListItemSchema>;

/** The work list object in the bucket. */
export const WorkListSchema = z.array(WorkListItemSchema);

/** The line a child logs for each region it scanned (the dashboard's coverage and throttling widgets query it). */
export interface TargetScannedLine {
  runId: string;
  accountId: string;
  region: string;
  status: string;
  errorCode?: string;
  certificateCount: number;
  throttles: number;
}

/**
 * What a child returns. The Distributed Map writes these to the work bucket (ResultWriter), never into the
 * execution's state, so their number is not bounded by the 256 KiB payload limit; still a few hundred bytes each.
 */
export interface ScanSummary {
  runId: string;
  accountId: string;
  /** Regions scanned (0 when the account could not be opened). */
  regions: number;
  /** Results by status: ok, partial, error. */
  statuses: Record<string, number>;
  /** The error code of the whole account, when it could not be opened (its role, its regions). */
  errorCode?: string;
  certificateCount: number;
  changeCount: number;
  /** AWS calls made, retries included. */
  apiCalls: number;
  /** Calls AWS answered with a throttling error. */
  throttles: number;
  durationMs: number;
}

/**
 * What the ScanFailed state writes among the children's results for a child that threw after its retries: its work
 * item, the run and Step Functions' error object (`Error`, `Cause`). FinalizeRun does not read it (it finds the
 * account missing from the store); people do, in the execution's history and the results in the work bucket.
 */
export interface FailedScanRecord {
  account: WorkItem;
  runId: string;
  status: 'failed';
  error: unknown;
}

/** The event does not have the shape the state machine is supposed to send. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';

  constructor(
    readonly handler: string,
    readonly problems: string[],
  ) {
    super(`${handler} received an event it cannot read: ${problems.join('; ')}`);
  }
}

export function parseEvent<S extends z.ZodMiniType>(schema: S, event: unknown, handler: string): z.output<S> {
  const parsed = schema.safeParse(event);
  if (parsed.success) return parsed.data;
  throw new InvalidEventError(
    handler,
    parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'} ${issue.message}`),
  );
}
