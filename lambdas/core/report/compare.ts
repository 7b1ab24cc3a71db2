/** What changed between two saved reports, with the same rules as the daily pipeline. */
import { compareChanges, detectChanges } from '../changes';
import type { Certificate, Change, ChangeType } from '../model';
import { CHANGE_TYPES, targetKey } from '../model';
import { DEFAULT_OWNER_TAG_KEY } from '../settings';
import type { Report, ReportCertificate } from './schema';
import { terminalSafe } from './table';

export interface CompareReportsOptions {
  /** @default DEFAULT_CHANGE_THRESHOLDS */
  thresholds?: readonly number[];
  /** @default 'owner' */
  ownerTagKey?: string;
}

/**
 * A report row back as a certificate. A report holds the detail fields it had when written, so both sides count
 * as described at their report's time: their renewal status and inUseBy are compared.
 */
function toCertificate(cert: ReportCertificate, describedAt: string): Certificate {
  const { daysToExpiry: _days, findings: _findings, ...rest } = cert;
  return { ...rest, describedAt };
}

function groupByTarget(report: Report): Map<string, Certificate[]> {
  const groups = new Map<string, Certificate[]>();
  for (const cert of report.certificates) {
    const key = targetKey(cert);
    const group = groups.get(key) ?? [];
    group.push(toCertificate(cert, report.generatedAt));
    groups.set(key, group);
  }
  return groups;
}

/**
 * Changes from `earlier` to `later`, target by target. A target counts as completely scanned only when the later
 * report lists it with status ok; otherwise certificates missing from it are not reported as removed.
 */
export function compareReports(earlier: Report, later: Report, options: CompareReportsOptions = {}): Change[] {
  const before = groupByTarget(earlier);
  const after = groupByTarget(later);
  const complete = new Set(later.targets.filter((target) => target.status === 'ok').map(targetKey));
  const keys = new Set([...before.keys(), ...after.keys()]);
  const changes: Change[] = [];
  for (const key of keys) {
    changes.push(
      ...detectChanges(before.get(key) ?? [], after.get(key) ?? [], {
        complete: complete.has(key),
        now: new Date(later.generatedAt),
        previousScannedAt: new Date(earlier.generatedAt),
        thresholds: options.thresholds,
        ownerTagKey: options.ownerTagKey ?? DEFAULT_OWNER_TAG_KEY,
      }),
    );
  }
  return changes.sort(compareChanges);
}

const HEADINGS: Record<ChangeType, string> = {
  NEW: 'New',
  REMOVED: 'Removed',
  RENEWED: 'Renewed',
  REIMPORTED: 'Re-imported',
  STATUS_CHANGED: 'Status changes',
  RENEWAL_STATUS_CHANGED: 'Renewal status changes',
  ATTACHED: 'Attached to resources',
  DETACHED: 'Detached from resources',
  BECAME_INELIGIBLE: 'Became ineligible for renewal',
  THRESHOLD_CROSSED: 'Crossed an expiry threshold',
  TAGS_CHANGED: 'Owner tag changes',
};

/** Changes for the terminal, grouped by kind in the order of CHANGE_TYPES. */
export function renderChanges(changes: Change[]): string {
  if (changes.length === 0) return 'No changes.\n';
  const out: string[] = [];
  for (const type of CHANGE_TYPES) {
    const group = changes.filter((change) => change.type === type).sort(compareChanges);
    if (group.length === 0) continue;
    if (out.length > 0) out.push('');
    out.push(`${HEADINGS[type]} (${group.length})`);
    for (const change of group) {
      out.push(
        `  ${terminalSafe(change.domainName)}  ${terminalSafe(change.accountId)}/${terminalSafe(change.region)}  ` +
          `${terminalSafe(change.summary)}`,
      );
    }
  }
  const total = changes.length === 1 ? '1 change' : `${changes.length} changes`;
  out.push('', total);
  return `${out.join('\n')}\n`;
}
