/**
 * The payloads the state machine hands each Lambda, as Zod schemas (infra/constructs/pipeline.ts builds them;
 * test/unit/handlers checks both sides agree). Every Lambda parses its event with these before doing anything,
 * so a changed definition fails with a message naming the field instead of deep inside a use case.
 */
import { z } from 'zod';

const isoTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), { error: 'must be an ISO-8601 time' });

/** Step Functions execution names: 1-80 characters; they become S3 keys and table keys, so no slashes. */
const runId = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[^/\s]+$/, { error: 'must be an execution name without slashes or spaces' });

export const TargetSchema = z.object({
  accountId: z.string().regex(/^\d{12}$/, { error: 'must be a 12-digit account id' }),
  accountName: z.string().optional(),
  region: z.string().min(1),
});

/** ListTargets' input: the execution's name and start time. */
export const StartRunEventSchema = z.object({ runId, startedAt: isoTime });
export type StartRunEvent = z.infer<typeof StartRunEventSchema>;

/** ListTargets' output (`$.listing`): where the work list is, never the list itself (payloads are ≤ 256 KiB). */
export const RunListingSchema = z.object({
  runId,
  startedAt: isoTime,
  bucket: z.string().min(1),
  key: z.string().min(1),
  targetCount: z.number().int().nonnegative(),
});
export type RunListing = z.infer<typeof RunListingSchema>;

/** One Distributed Map child's input. */
export const ScanTargetEventSchema = z.object({ target: TargetSchema, runId, startedAt: isoTime });
export type ScanTargetEvent = z.infer<typeof ScanTargetEventSchema>;

export const FinalizeRunEventSchema = z.object({ runId, startedAt: isoTime, listing: RunListingSchema });
export type FinalizeRunEvent = z.infer<typeof FinalizeRunEventSchema>;

/** The work list object in the bucket. */
export const WorkListSchema = z.array(TargetSchema);

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

export function parseEvent<S extends z.ZodType>(schema: S, event: unknown, handler: string): z.output<S> {
  const parsed = schema.safeParse(event);
  if (parsed.success) return parsed.data;
  throw new InvalidEventError(
    handler,
    parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'} ${issue.message}`),
  );
}
