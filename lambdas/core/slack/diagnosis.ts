/**
 * The DNS diagnosis as an alert shows it: each problem per domain with what was seen and the change that fixes
 * it, or, when every check passed, that the DNS looks right and the cause is ACM's own reason. Its own file because
 * the alert of every certificate incident shows it the same way.
 */
import { DIAGNOSIS_LABELS, diagnosisProblems } from '../diagnosis';
import type { DiagnosisEntry } from '../model';
import { type Block, section } from './blocks';
import { listBlocks } from './list';
import { code, inline } from './text';

/** Domains shown with their problems before "+N more". */
const DIAGNOSIS_CAP = 10;
const MAX_DETAIL = 600;
/**
 * A fix can carry a whole `aws route53 change-resource-record-sets` command (two DNS names of up to 253 characters
 * in its JSON): it gets more room than a detail, since a command cut short is worse than none.
 */
const MAX_FIX = 1_200;
/** One problem's lines: domain, detail, zone and fix, each within its own cap. */
const MAX_PROBLEM_CHARS = 2_200;

/** @param omitted problems the incident did not keep, counted in the title and the "+N more" line */
export function diagnosisBlocks(entries: readonly DiagnosisEntry[] | undefined, omitted = 0): Block[] {
  if (entries === undefined || entries.length === 0) return [];
  const problems = diagnosisProblems(entries);
  if (problems.length === 0) {
    const notChecked = entries.find((entry) => entry.code === 'VALIDATION_NOT_CHECKED');
    const ok = entries.find((entry) => entry.code === 'OK');
    const lines = [
      `*DNS check (this run):* ${DIAGNOSIS_LABELS.OK} for every name on the certificate (CAA allows Amazon; validation records and names as ACM needs them).`,
    ];
    if (notChecked !== undefined) lines.push(inline(notChecked.detail, MAX_DETAIL));
    if (ok !== undefined) lines.push(inline(ok.fix, MAX_DETAIL));
    return [section(lines.join('\n'))];
  }
  const lines = problems.slice(0, DIAGNOSIS_CAP).map((entry) => {
    const zone =
      entry.zone === undefined
        ? ''
        : `\n    Zone: ${code(entry.zone.name, 120)} (${code(entry.zone.hostedZoneId, 40)}) in account ${code(entry.zone.accountId, 20)}`;
    return `• ${code(entry.domain, 120)} — *${DIAGNOSIS_LABELS[entry.code]}*\n    ${inline(entry.detail, MAX_DETAIL)}${zone}\n    Fix: ${inline(entry.fix, MAX_FIX)}`;
  });
  const total = problems.length + omitted;
  return listBlocks(`*DNS diagnosis (this run)* — ${total === 1 ? '1 problem' : `${total} problems`}`, lines, {
    total,
    budget: 6_000,
    elsewhere: 'see the certificate in the report',
    maxLineChars: MAX_PROBLEM_CHARS,
  });
}
