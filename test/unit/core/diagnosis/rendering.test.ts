/** The diagnosis where on-call reads it: the incident and its alert, the digest line, the JSON and HTML report. */
import { describe, expect, it } from 'vitest';
import { detectIncidents, INCIDENT_DIAGNOSIS_CAP } from '../../../../lambdas/core/alerting/incidents';
import { type DiagnosisEntry, diagnosisHeadline } from '../../../../lambdas/core/diagnosis';
import { assess } from '../../../../lambdas/core/findings';
import { buildReport, parseReport, renderHtml } from '../../../../lambdas/core/report';
import { renderAlert, renderDigest } from '../../../../lambdas/core/slack';
import { certificate, NOW } from '../certificate-fixture';
import { notice } from '../slack/fixtures';
import { allTexts, expectSafeMarkup, expectWithinSlackLimits } from '../slack/limits';

const MISSING: DiagnosisEntry = {
  domain: 'www.example.com',
  code: 'VALIDATION_CNAME_MISSING',
  ok: false,
  detail: '_a.www.example.com has no CNAME record (NXDOMAIN); ACM cannot validate www.example.com.',
  record: { name: '_a.www.example.com', type: 'CNAME', value: '_v.acm-validations.aws' },
  fix: 'Create the CNAME record _a.www.example.com → _v.acm-validations.aws in the zone that holds www.example.com.',
};
const OK: DiagnosisEntry = {
  domain: 'www.example.com',
  code: 'OK',
  ok: true,
  detail: 'The DNS looks right: no CAA record restricts issuance.',
  fix: "Nothing to change in DNS: ACM's own reason is DOMAIN_VALIDATION_FAILED; see the finding's advice for it.",
};

const failed = certificate({ renewalStatus: 'FAILED', renewalStatusReason: 'DOMAIN_VALIDATION_FAILED' });

describe('diagnosis in the alert', () => {
  it('carries the diagnosis from the certificate to its incident', () => {
    const [incident] = detectIncidents([{ ...assess(failed, { now: NOW }), diagnosis: [MISSING] }], [], { now: NOW });
    expect(incident?.diagnosis).toEqual([MISSING]);
  });

  it('keeps at most ten problems on the incident (its alert state is one DynamoDB item) and counts the rest', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ ...MISSING, domain: `n${i}.example.com` }));
    const [incident] = detectIncidents([{ ...assess(failed, { now: NOW }), diagnosis: [OK, ...many] }], [], {
      now: NOW,
    });
    expect(incident?.diagnosis).toHaveLength(INCIDENT_DIAGNOSIS_CAP);
    expect(incident?.diagnosis?.every((entry) => entry.code === 'VALIDATION_CNAME_MISSING')).toBe(true);
    expect(incident?.diagnosisOmitted).toBe(90);
    const message = renderAlert(notice({ ...incident }));
    expectWithinSlackLimits(message);
    expect(allTexts(message).join('\n')).toContain('— 100 problems');
  });

  it('names the record to create and the fix, within Slack’s limits', () => {
    const message = renderAlert(notice({ diagnosis: [MISSING] }));
    const text = allTexts(message).join('\n');
    expectWithinSlackLimits(message);
    expectSafeMarkup(message);
    expect(text).toContain('*DNS diagnosis (this run)* — 1 problem');
    expect(text).toContain('*validation CNAME missing*');
    expect(text).toContain('Fix: Create the CNAME record _a.www.example.com → _v.acm-validations.aws');
  });

  it('says the DNS looks right and points at ACM’s reason when every check passed', () => {
    const text = allTexts(renderAlert(notice({ diagnosis: [OK] }))).join('\n');
    expect(text).toContain('DNS looks right for every name');
    expect(text).toContain("ACM's own reason is DOMAIN_VALIDATION_FAILED");
  });

  it('shows a reminder the record that appeared since the alert opened', () => {
    const text = allTexts(renderAlert(notice({ diagnosis: [OK] }, { stage: 'reminder', threshold: 7 }))).join('\n');
    expect(text).toContain('Reminder');
    expect(text).toContain('DNS looks right');
  });

  it('leaves a stale diagnosis out of a "resolved" message', () => {
    const text = allTexts(renderAlert(notice({ diagnosis: [MISSING] }, { stage: 'resolved' }))).join('\n');
    expect(text).not.toContain('DNS diagnosis');
  });
});

describe('diagnosis in the digest', () => {
  it('adds the first problem to the renewal problem’s line', () => {
    const cert = { ...assess(failed, { now: NOW }), diagnosis: [MISSING] };
    const digest = renderDigest({
      runId: 'r',
      generatedAt: NOW.toISOString(),
      expiryDays: 30,
      targets: [],
      certificates: [cert],
      changes: [],
    });
    expect(allTexts(digest).join('\n')).toContain('DNS: validation CNAME missing: _a.www.example.com');
  });

  it('counts the problems after the first', () => {
    expect(diagnosisHeadline([MISSING, { ...MISSING, domain: 'api.example.com' }, OK])).toBe(
      'validation CNAME missing: _a.www.example.com (+1 more)',
    );
    expect(diagnosisHeadline([OK])).toBe('DNS looks right');
    expect(diagnosisHeadline([])).toBeUndefined();
  });
});

describe('diagnosis in the report', () => {
  it('writes certificates[].diagnosis in the JSON report, which reads back, and only where a diagnosis was made', () => {
    const other = certificate({ arn: 'arn:other', domainName: 'fine.example.com' });
    const report = buildReport({
      runId: 'r',
      generatedAt: NOW,
      targets: [],
      certificates: [failed, other],
      diagnoses: new Map([[failed.arn, [MISSING]]]),
    });
    const parsed = parseReport(JSON.parse(JSON.stringify(report)));
    expect(parsed.certificates.find((c) => c.arn === failed.arn)?.diagnosis).toEqual([MISSING]);
    expect(parsed.certificates.find((c) => c.arn === 'arn:other')).not.toHaveProperty('diagnosis');
  });

  it('refuses an unknown diagnosis code, naming where', () => {
    const report = buildReport({ runId: 'r', generatedAt: NOW, targets: [], certificates: [failed] });
    const json = JSON.parse(JSON.stringify(report));
    json.certificates[0].diagnosis = [{ ...MISSING, code: 'MAYBE' }];
    expect(() => parseReport(json)).toThrow(/certificates\[0\]\.diagnosis\[0\]\.code/);
  });

  it('shows the diagnosis in the HTML report, escaped', () => {
    const hostile = { ...MISSING, detail: '<script>alert(1)</script>' };
    const html = renderHtml(
      buildReport({
        runId: 'r',
        generatedAt: NOW,
        targets: [],
        certificates: [failed],
        diagnoses: new Map([[failed.arn, [hostile]]]),
      }),
    );
    expect(html).toContain('DNS: validation CNAME missing: _a.www.example.com');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
  });
});
