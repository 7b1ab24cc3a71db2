/**
 * How a diagnosis reads in one line (the digest, the report's table) and what each code means: the same words in
 * every place a diagnosis shows, so the digest's "CNAME missing" is the alert's and the report's too.
 */
import type { DiagnosisCode, DiagnosisEntry } from './model';

/** A few words per code, for lines that have no room for the detail. */
export const DIAGNOSIS_LABELS: Record<DiagnosisCode, string> = {
  VALIDATION_CNAME_MISSING: 'validation CNAME missing',
  VALIDATION_CNAME_WRONG: 'validation CNAME points elsewhere',
  CAA_FORBIDS_AMAZON: 'CAA forbids Amazon',
  NAME_DOES_NOT_RESOLVE: 'name does not resolve',
  DNS_ERROR: 'DNS lookup failed',
  VALIDATION_NOT_CHECKED: 'validation not checked',
  OK: 'DNS looks right',
};

/** The entries that say something is wrong or unknown (everything but OK and "not checked"). */
export function diagnosisProblems(entries: readonly DiagnosisEntry[]): DiagnosisEntry[] {
  return entries.filter((entry) => entry.code !== 'OK' && entry.code !== 'VALIDATION_NOT_CHECKED');
}

/**
 * One line for the whole certificate: its first problem with where it is ("validation CNAME missing: _x.example.com
 * in zone example.com", "+2 more"), or that the DNS looks right.
 */
export function diagnosisHeadline(entries: readonly DiagnosisEntry[]): string | undefined {
  if (entries.length === 0) return undefined;
  const problems = diagnosisProblems(entries);
  const first = problems[0];
  if (first === undefined) {
    return entries.some((entry) => entry.code === 'OK') ? DIAGNOSIS_LABELS.OK : DIAGNOSIS_LABELS.VALIDATION_NOT_CHECKED;
  }
  const where = first.record?.name ?? first.domain;
  const zone = first.zone === undefined ? '' : ` in zone ${first.zone.name} (${first.zone.accountId})`;
  const more = problems.length > 1 ? ` (+${problems.length - 1} more)` : '';
  return `${DIAGNOSIS_LABELS[first.code]}: ${where}${zone}${more}`;
}
