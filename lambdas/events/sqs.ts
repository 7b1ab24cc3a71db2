/**
 * An SQS batch of the hub queue as the Events Lambda receives it: each message body an EventBridge event the hub
 * rule delivered. A body that is not one (nothing else writes to the queue, but its policy is the only guard) is
 * reported and left out: delivering it again would not change it, so it must not hold the batch back.
 */
import * as z from 'zod/mini';
import type { OrganizationEvent } from '../core/events/classify';

/** The envelope fields the classifier reads; the rest of an event passes through untouched. */
const OrganizationEventSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  'detail-type': z.string(),
  source: z.string(),
  account: z.string().check(z.regex(/^\d{12}$/)),
  time: z.string(),
  region: z.string(),
  resources: z.optional(z.array(z.string())),
  detail: z.optional(z.record(z.string(), z.unknown())),
});

const SqsEventSchema = z.object({
  Records: z.array(z.looseObject({ messageId: z.string(), body: z.string() })),
});

/** The events of a batch; a message whose body is not an EventBridge event is logged (by id) and left out. */
export function parseSqsEvents(
  event: unknown,
  warn: (message: string, fields: Record<string, unknown>) => void,
): OrganizationEvent[] {
  const parsed = SqsEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new Error(`Events: the input is not an SQS batch (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  }
  const events: OrganizationEvent[] = [];
  for (const record of parsed.data.Records) {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      warn('message is not JSON: dropped', { messageId: record.messageId });
      continue;
    }
    const checked = OrganizationEventSchema.safeParse(body);
    if (checked.success) events.push(checked.data as OrganizationEvent);
    else {
      warn('message is not an EventBridge event: dropped', {
        messageId: record.messageId,
        problem: checked.error.issues[0]?.message,
      });
    }
  }
  return events;
}
