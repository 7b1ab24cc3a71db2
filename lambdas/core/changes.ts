/**
 * Change detection between two scans of one target. Certificates are matched by ARN. Detail fields that only
 * DescribeCertificate fills are compared only when both scans had them (`describedAt` on both sides): a run
 * that did not describe a certificate must not read as "its renewal status vanished".
 */
import { daysToExpiry } from './findings';
import type { Certificate, Change, ChangeType } from './model';
import { CHANGE_TYPES } from './model';
import { DEFAULT_CHANGE_THRESHOLDS } from './names';
import { DEFAULT_OWNER_TAG_KEY } from './settings';

export interface DetectChangesOptions {
  /** True only when the current scan listed every certificate of the target; otherwise nothing is REMOVED. */
  complete: boolean;
  now: Date;
  /** When the previous scan ran; without it no THRESHOLD_CROSSED can be computed. */
  previousScannedAt?: Date;
  /** Days-to-expiry thresholds. @default DEFAULT_CHANGE_THRESHOLDS */
  thresholds?: readonly number[];
  /** The tag whose value names the owner. @default 'owner' */
  ownerTagKey?: string;
}

const NONE = '(none)';

function day(iso: string | undefined): string {
  if (iso === undefined) return NONE;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : new Date(time).toISOString().slice(0, 10);
}

function sameInstant(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const timeA = Date.parse(a);
  const timeB = Date.parse(b);
  return Number.isNaN(timeA) || Number.isNaN(timeB) ? a === b : timeA === timeB;
}

function isLater(before: string | undefined, after: string | undefined): boolean {
  if (before === undefined || after === undefined) return false;
  return Date.parse(after) > Date.parse(before);
}

function resourcesLabel(resources: string[]): string {
  const shown = resources.slice(0, 3).join(', ');
  return resources.length > 3 ? `${shown} and ${resources.length - 3} more` : shown;
}

function change(cert: Certificate, type: ChangeType, summary: string, extra: Partial<Change> = {}): Change {
  return {
    type,
    accountId: cert.accountId,
    region: cert.region,
    arn: cert.arn,
    domainName: cert.domainName,
    summary,
    ...extra,
  };
}

/** The smallest threshold t with daysBefore > t >= daysNow (crossed between the scans), if any. */
function crossedThreshold(daysBefore: number, daysNow: number, thresholds: readonly number[]): number | undefined {
  let crossed: number | undefined;
  for (const t of thresholds) {
    if (daysBefore > t && daysNow <= t && (crossed === undefined || t < crossed)) crossed = t;
  }
  return crossed;
}

function compareCertificate(prev: Certificate, cur: Certificate, opts: DetectChangesOptions): Change[] {
  const changes: Change[] = [];
  const renewed = cur.type !== 'IMPORTED' && isLater(prev.notAfter, cur.notAfter);

  if (renewed) {
    changes.push(
      change(cur, 'RENEWED', `renewed: expiry ${day(prev.notAfter)} → ${day(cur.notAfter)}`, {
        before: prev.notAfter,
        after: cur.notAfter,
      }),
    );
  }

  if (cur.type === 'IMPORTED' && prev.type === 'IMPORTED') {
    const notAfterChanged = prev.notAfter !== undefined && cur.notAfter !== undefined;
    const importedAtChanged = prev.importedAt !== undefined && cur.importedAt !== undefined;
    if (
      (notAfterChanged && !sameInstant(prev.notAfter, cur.notAfter)) ||
      (importedAtChanged && !sameInstant(prev.importedAt, cur.importedAt))
    ) {
      changes.push(
        change(cur, 'REIMPORTED', `re-imported: expiry ${day(prev.notAfter)} → ${day(cur.notAfter)}`, {
          before: prev.notAfter,
          after: cur.notAfter,
        }),
      );
    }
  }

  if (prev.status !== cur.status) {
    changes.push(
      change(cur, 'STATUS_CHANGED', `status ${prev.status} → ${cur.status}`, {
        before: prev.status,
        after: cur.status,
      }),
    );
  }

  const bothDescribed = prev.describedAt !== undefined && cur.describedAt !== undefined;
  if (bothDescribed && prev.renewalStatus !== cur.renewalStatus) {
    const reason = cur.renewalStatus === 'FAILED' && cur.renewalStatusReason ? ` (${cur.renewalStatusReason})` : '';
    changes.push(
      change(
        cur,
        'RENEWAL_STATUS_CHANGED',
        `renewal status ${prev.renewalStatus ?? NONE} → ${cur.renewalStatus ?? NONE}${reason}`,
        { before: prev.renewalStatus, after: cur.renewalStatus },
      ),
    );
  }

  if (bothDescribed) {
    const before = new Set(prev.inUseBy);
    const after = new Set(cur.inUseBy);
    const attached = [...after].filter((arn) => !before.has(arn)).sort();
    const detached = [...before].filter((arn) => !after.has(arn)).sort();
    if (attached.length > 0) {
      changes.push(
        change(cur, 'ATTACHED', `attached to ${resourcesLabel(attached)}`, {
          resources: attached,
        }),
      );
    }
    if (detached.length > 0) {
      changes.push(
        change(cur, 'DETACHED', `detached from ${resourcesLabel(detached)}`, {
          resources: detached,
        }),
      );
    }
  }

  if (prev.renewalEligibility === 'ELIGIBLE' && cur.renewalEligibility === 'INELIGIBLE') {
    changes.push(
      change(cur, 'BECAME_INELIGIBLE', 'renewal eligibility ELIGIBLE → INELIGIBLE', {
        before: 'ELIGIBLE',
        after: 'INELIGIBLE',
      }),
    );
  }

  if (!renewed && opts.previousScannedAt !== undefined) {
    const daysBefore = daysToExpiry(prev, opts.previousScannedAt);
    const daysNow = daysToExpiry(cur, opts.now);
    if (daysBefore !== undefined && daysNow !== undefined) {
      const threshold = crossedThreshold(daysBefore, daysNow, opts.thresholds ?? DEFAULT_CHANGE_THRESHOLDS);
      if (threshold !== undefined) {
        const when = daysNow < 0 ? `expired ${-daysNow} day(s) ago` : `expires in ${daysNow} day(s)`;
        changes.push(
          change(cur, 'THRESHOLD_CROSSED', `${when}: crossed the ${threshold}-day threshold`, {
            threshold,
            before: String(daysBefore),
            after: String(daysNow),
          }),
        );
      }
    }
  }

  const ownerKey = opts.ownerTagKey ?? DEFAULT_OWNER_TAG_KEY;
  const ownerBefore = prev.tags[ownerKey];
  const ownerAfter = cur.tags[ownerKey];
  if (ownerBefore !== ownerAfter) {
    changes.push(
      change(cur, 'TAGS_CHANGED', `${ownerKey} tag ${ownerBefore ?? NONE} → ${ownerAfter ?? NONE}`, {
        before: ownerBefore,
        after: ownerAfter,
      }),
    );
  }

  return changes;
}

function dropUndefined(value: Change): Change {
  for (const key of Object.keys(value) as (keyof Change)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

const TYPE_ORDER = new Map<ChangeType, number>(CHANGE_TYPES.map((type, index) => [type, index]));

/** Sorts changes by ARN, then by the order of CHANGE_TYPES. */
export function compareChanges(a: Change, b: Change): number {
  if (a.arn !== b.arn) return a.arn < b.arn ? -1 : 1;
  return (TYPE_ORDER.get(a.type) ?? 0) - (TYPE_ORDER.get(b.type) ?? 0);
}

/** What changed between two scans of one target, in a deterministic order (ARN, then change type). */
export function detectChanges(previous: Certificate[], current: Certificate[], opts: DetectChangesOptions): Change[] {
  const before = new Map(previous.map((cert) => [cert.arn, cert]));
  const after = new Map(current.map((cert) => [cert.arn, cert]));
  const changes: Change[] = [];

  for (const cur of after.values()) {
    const prev = before.get(cur.arn);
    if (prev === undefined) {
      const expiry = cur.notAfter === undefined ? '' : `, expires ${day(cur.notAfter)}`;
      changes.push(change(cur, 'NEW', `new ${cur.type} certificate, ${cur.status}${expiry}`, { after: cur.status }));
    } else {
      changes.push(...compareCertificate(prev, cur, opts));
    }
  }

  // A partial or failed scan did not see everything: absence proves nothing.
  if (opts.complete) {
    for (const prev of before.values()) {
      if (!after.has(prev.arn)) {
        changes.push(change(prev, 'REMOVED', 'no longer in ACM (deleted)', { before: prev.status }));
      }
    }
  }

  return changes.map(dropUndefined).sort(compareChanges);
}
